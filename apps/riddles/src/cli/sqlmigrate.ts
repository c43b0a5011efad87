/** `npm run sqlmigrate <id>`: prints the SQL of one migration, like Django's `sqlmigrate`. */
import { findMigration, migrationSql } from '../db/migrations.js';
import { RiddlesError } from '../errors.js';
import { runCli } from './open.js';

await runCli(async () => {
  const id = process.argv[2];
  if (id === undefined) {
    throw new RiddlesError('RIDDLES_MIGRATION_NOT_FOUND', 'usage: npm run sqlmigrate <id>  (e.g. 0000)');
  }
  process.stdout.write(migrationSql(findMigration(id)));
});
