import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MIGRATIONS_DIR } from '../config.js';
import { RiddlesError } from '../errors.js';
import type { Database } from './client.js';

/** One committed migration, as listed in drizzle-kit's journal. */
export interface MigrationInfo {
  /** e.g. `0000_initial` */
  readonly tag: string;
  /** The number Django users know as the migration name prefix, e.g. `0000`. */
  readonly id: string;
  /** drizzle-kit's timestamp; the migrator records it once the migration is applied. */
  readonly when: number;
  readonly file: string;
}

interface Journal {
  entries: { idx: number; tag: string; when: number }[];
}

/** Lists the committed migrations in order. */
export function listMigrations(dir: string = MIGRATIONS_DIR): MigrationInfo[] {
  const journal = JSON.parse(readFileSync(path.join(dir, 'meta', '_journal.json'), 'utf8')) as Journal;
  return journal.entries
    .slice()
    .sort((a, b) => a.idx - b.idx)
    .map((entry) => ({
      tag: entry.tag,
      id: entry.tag.split('_')[0] ?? entry.tag,
      when: entry.when,
      file: path.join(dir, `${entry.tag}.sql`),
    }));
}

/** Finds a migration by number (`0`, `0000`) or full tag (`0000_initial`), like `sqlmigrate`. */
export function findMigration(idOrTag: string, dir: string = MIGRATIONS_DIR): MigrationInfo {
  const all = listMigrations(dir);
  const wanted = idOrTag.trim();
  const found = all.find(
    (m) => m.tag === wanted || m.id === wanted || (/^\d+$/.test(wanted) && Number(m.id) === Number(wanted)),
  );
  if (found === undefined) {
    throw new RiddlesError(
      'RIDDLES_MIGRATION_NOT_FOUND',
      `No migration ${JSON.stringify(idOrTag)}; known: ${all.map((m) => m.tag).join(', ') || 'none'}`,
      { migration: idOrTag },
    );
  }
  return found;
}

/** The SQL of one migration, statement by statement, as `sqlmigrate` prints it. */
export function migrationSql(migration: MigrationInfo): string {
  const text = readFileSync(migration.file, 'utf8');
  const statements = text
    .split('--> statement-breakpoint')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  return `BEGIN;\n${statements.map((s) => (s.endsWith(';') ? s : `${s};`)).join('\n')}\nCOMMIT;\n`;
}

/** Which committed migrations the database has not applied yet (the migrator's own rule: by timestamp). */
export async function pendingMigrations(database: Database): Promise<MigrationInfo[]> {
  const all = listMigrations();
  const exists = await database.query<{ present: string | null }>(
    "select to_regclass('drizzle.__drizzle_migrations')::text as present",
  );
  if (exists[0]?.present == null) return all;
  const rows = await database.query<{ last: string | number | null }>(
    'select max(created_at) as last from drizzle.__drizzle_migrations',
  );
  const last = rows[0]?.last == null ? Number.NEGATIVE_INFINITY : Number(rows[0].last);
  return all.filter((m) => m.when > last);
}
