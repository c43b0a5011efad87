import { dataDir } from '../config.js';
import { type Database, openDatabase, targetFromEnv } from '../db/client.js';

/** Opens the database the CLI commands work on: `DATABASE_URL`, else the embedded one. */
export function openFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<Database> {
  return openDatabase(targetFromEnv(env, dataDir(env)));
}

/** Runs a CLI command, printing a RiddlesError as one line and exiting 1 on failure. */
export async function runCli(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    process.stderr.write(
      `${typeof code === 'string' ? `${code}: ` : ''}${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
  }
}
