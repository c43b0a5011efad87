/**
 * `npm run runserver` (also `start`): serves the site for a person, like Django's `runserver`.
 * Environment: PORT (default 8000; 0 picks a free one), HOST (default 127.0.0.1), DATABASE_URL
 * (a PostgreSQL server; default the embedded database in the data folder), RIDDLES_DATA_DIR,
 * RIDDLES_SECRET, RIDDLES_TRUST_PROXY=1 (behind a reverse proxy).
 */
import path from 'node:path';
import { buildApp } from './app.js';
import { createAuditLog } from './audit.js';
import { dataDir, loadSecret } from './config.js';
import { pendingMigrations } from './db/migrations.js';
import { Repository } from './db/repo.js';
import { openFromEnv, runCli } from './cli/open.js';

await runCli(async () => {
  const port = Number.parseInt(process.env.PORT ?? '8000', 10);
  const host = process.env.HOST ?? '127.0.0.1';
  const database = await openFromEnv();
  const audit = createAuditLog({ file: path.join(dataDir(), 'admin.log'), stream: process.stderr });
  let app: Awaited<ReturnType<typeof buildApp>> | undefined;
  const shutdown = async () => {
    await app?.close();
    await audit.close();
    await database.close();
  };
  try {
    const pending = await pendingMigrations(database);
    if (pending.length > 0) {
      process.stdout.write(
        `Applying ${pending.length} migration(s): ${pending.map((m) => m.tag).join(', ')}\n`,
      );
      await database.migrate();
    }
    app = await buildApp({
      database,
      audit,
      secret: loadSecret(),
      trustProxy: process.env.RIDDLES_TRUST_PROXY === '1',
    });
    const address = await app.listen({ port, host });
    const repo = new Repository(database.db);
    const riddleCount = (await repo.allRiddles()).length;
    const admins = await repo.userCount();
    const createHint =
      database.kind === 'pglite'
        ? 'stop the server (CONTROL-C), run `npm run -w apps/riddles createsuperuser`, then start it again'
        : 'run `npm run -w apps/riddles createsuperuser` (with the same DATABASE_URL)';
    process.stdout.write(
      [
        `Riddles site on ${database.location}`,
        `Starting development server at ${address}/riddles/`,
        admins === 0
          ? `Admin: ${address}/admin/ has no login yet: ${createHint}.`
          : `Admin: ${address}/admin/ (${admins} admin login(s); add one: ${createHint}).`,
        `${riddleCount} riddle(s) in the database. Quit the server with CONTROL-C.`,
        '',
      ].join('\n'),
    );
  } catch (error) {
    await shutdown();
    throw error;
  }
  const stop = (signal: string) => {
    process.stdout.write(`\n${signal}: stopping.\n`);
    shutdown().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
});
