import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../src/db/client.js';
import { listMigrations, pendingMigrations } from '../src/db/migrations.js';
import { Repository } from '../src/db/repo.js';
import { runBrowserFlow, screenshotDir } from './browser-flow.js';
import { emptyTables } from './helpers.js';
import { type PostgresServer, startPostgres } from './postgres-server.js';

describe('on a real PostgreSQL server', () => {
  let server: PostgresServer;
  let database: Database;

  beforeAll(async () => {
    server = await startPostgres();
    database = await openDatabase({ url: server.url });
  }, 120_000);

  afterAll(async () => {
    await database?.close();
    server?.stop();
  }, 60_000);

  it('applies the committed migrations and records them, like on PGlite', async () => {
    expect((await pendingMigrations(database)).map((m) => m.tag)).toEqual(listMigrations().map((m) => m.tag));
    await database.migrate();
    expect(await pendingMigrations(database)).toEqual([]);
    await database.migrate(); // a second run is a no-op
    const tables = await database.query<{ name: string }>(
      "select table_name as name from information_schema.tables where table_schema = 'public' order by 1",
    );
    expect(tables.map((t) => t.name)).toEqual(['login_attempts', 'options', 'riddles', 'sessions', 'users']);
    expect(database.location).toBe(`PostgreSQL at postgres://postgres@127.0.0.1:${server.port}/postgres`);
  });

  it('cascades riddle deletion to options through the foreign key', async () => {
    const repo = new Repository(database.db);
    const id = await repo.createRiddle('Cascade?', new Date(), [{ text: 'yes', correct: true }]);
    await repo.deleteRiddle(id);
    const left = await database.query<{ n: number }>(
      'select count(*)::int as n from options where riddle_id = $1',
      [id],
    );
    expect(left[0]!.n).toBe(0);
    await emptyTables(database);
  });

  it('runs the lockout, user and export queries the same way', async () => {
    const repo = new Repository(database.db);
    const now = new Date('2026-06-01T12:00:00Z');
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await repo.recordFailure('Someone', now, 3, 60_000));
    expect(results.map((r) => r.failures)).toEqual([1, 2, 3]);
    expect(results[2]!.lockedUntil?.toISOString()).toBe('2026-06-01T12:01:00.000Z');
    expect((await repo.lockedUntil('SOMEONE', now))?.toISOString()).toBe('2026-06-01T12:01:00.000Z');
    expect(await repo.lockedUntil('someone', new Date('2026-06-01T12:01:00Z'))).toBeUndefined();
    // After the lock expires, the next failure starts a fresh count.
    const fresh = await repo.recordFailure('someone', new Date('2026-06-01T12:02:00Z'), 3, 60_000);
    expect(fresh).toEqual({ failures: 1, lockedUntil: null });
    await repo.clearFailures('someone');
    expect(await repo.lockedUntil('someone', now)).toBeUndefined();

    await repo.createUser('MixedCase', 'm@example.com', 'scrypt$1$1$1$x$y');
    expect((await repo.userByName('mixedcase'))?.username).toBe('MixedCase');
    await expect(repo.createUser('MIXEDCASE', '', 'h')).rejects.toThrow();

    const id = await repo.createRiddle('Export me, "please"', now, [{ text: 'a', correct: true }]);
    expect(await repo.exportRows()).toEqual([
      {
        riddleId: id,
        riddleText: 'Export me, "please"',
        pubDate: now,
        optionId: expect.any(Number),
        text: 'a',
        correct: true,
      },
    ]);
    await emptyTables(database);
  });

  it('passes the browser flow: admin login, a riddle with three options, a wrong and a right answer', async () => {
    const shots = await runBrowserFlow(database, screenshotDir('postgres'));
    expect(shots).toHaveLength(9);
    expect(shots.every((file) => existsSync(file))).toBe(true);
  }, 180_000);
});
