/** `npm run migrate`: applies pending migrations to the configured database, like Django's `migrate`. */
import { pendingMigrations } from '../db/migrations.js';
import { openFromEnv, runCli } from './open.js';

await runCli(async () => {
  const database = await openFromEnv();
  try {
    const pending = await pendingMigrations(database);
    process.stdout.write(`Operations to perform on ${database.location}\n`);
    if (pending.length === 0) {
      process.stdout.write('  No migrations to apply.\n');
      return;
    }
    process.stdout.write('Running migrations:\n');
    await database.migrate();
    for (const m of pending) process.stdout.write(`  Applying ${m.tag}... OK\n`);
  } finally {
    await database.close();
  }
});
