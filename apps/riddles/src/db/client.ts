import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import { MIGRATIONS_DIR } from '../config.js';
import { RiddlesError } from '../errors.js';
import * as schema from './schema.js';

/** The Drizzle handle every query of the app goes through, whichever engine is behind it. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

/** An open database: the Drizzle handle plus what the CLI and tests need around it. */
export interface Database {
  readonly db: Db;
  readonly kind: 'pglite' | 'postgres';
  /** Human-readable location, with any password removed. */
  readonly location: string;
  /** Runs raw SQL (used by `migrate` to read migration state). */
  query<Row extends Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row[]>;
  /** Applies every pending migration from `migrations/`. */
  migrate(): Promise<void>;
  close(): Promise<void>;
}

/** Where to connect: a PostgreSQL URL, an embedded data folder, or an in-memory embedded database. */
export type DatabaseTarget = { url: string } | { dataDir: string } | { memory: true };

/** Picks the target the way the app does: `DATABASE_URL` when set, else PGlite in `<dataDir>/pglite`. */
export function targetFromEnv(env: NodeJS.ProcessEnv, dataDir: string): DatabaseTarget {
  const url = env.DATABASE_URL;
  if (url !== undefined && url !== '') return { url };
  return { dataDir: path.join(dataDir, 'pglite') };
}

/** Opens (and for PGlite, creates) the database; the caller must `close()` it. */
export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  if ('url' in target) return openPostgres(target.url);
  if ('dataDir' in target) return openPglite(target.dataDir);
  return openPglite(undefined);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * PGlite is a single-process engine: two processes on one data folder would corrupt it. A lock file
 * holding our pid keeps a second `runserver` or `createsuperuser` out with a clear message; a lock
 * left by a dead process is taken over.
 */
function acquireLock(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const lockFile = path.join(`${dir}.lock`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number.parseInt(readFileSync(lockFile, 'utf8'), 10);
      if (Number.isInteger(pid) && pid !== process.pid && isAlive(pid)) {
        throw new RiddlesError(
          'RIDDLES_DATABASE_IN_USE',
          `The embedded database in ${dir} is in use by process ${pid}; stop it first (PGlite allows one process at a time)`,
          { dataDir: dir, pid },
        );
      }
      rmSync(lockFile, { force: true });
    }
  }
  throw new RiddlesError('RIDDLES_DATABASE_IN_USE', `Could not lock the embedded database in ${dir}`, {
    dataDir: dir,
  });
}

async function openPglite(dir: string | undefined): Promise<Database> {
  const release = dir === undefined ? () => {} : acquireLock(dir);
  let client: PGlite;
  try {
    client = dir === undefined ? await PGlite.create() : await PGlite.create({ dataDir: dir });
  } catch (error) {
    release();
    throw error;
  }
  const db = drizzlePglite({ client, schema });
  let closed = false;
  return {
    db: db as unknown as Db,
    kind: 'pglite',
    location: dir === undefined ? 'PGlite (in memory)' : `PGlite in ${dir}`,
    async query<Row extends Record<string, unknown>>(text: string, params: unknown[] = []) {
      return (await client.query<Row>(text, params)).rows;
    },
    migrate: () => migratePglite(db, { migrationsFolder: MIGRATIONS_DIR }),
    async close() {
      if (closed) return;
      closed = true;
      try {
        await client.close();
      } finally {
        release();
      }
    },
  };
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<DATABASE_URL>';
  }
}

async function openPostgres(url: string): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: 5, connectionTimeoutMillis: 10_000 });
  // An idle client losing its server must not crash the process; the next query reports it.
  pool.on('error', () => {});
  try {
    const probe = await pool.connect();
    probe.release();
  } catch (error) {
    await pool.end();
    throw error;
  }
  const db = drizzleNodePg({ client: pool, schema });
  let closed = false;
  return {
    db: db as unknown as Db,
    kind: 'postgres',
    location: `PostgreSQL at ${redact(url)}`,
    async query<Row extends Record<string, unknown>>(text: string, params: unknown[] = []) {
      return (await pool.query<Row>(text, params)).rows;
    },
    migrate: () => migrateNodePg(db, { migrationsFolder: MIGRATIONS_DIR }),
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
