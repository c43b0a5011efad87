import { existsSync, statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../src/db/client.js';
import { runBrowserFlow, screenshotDir } from './browser-flow.js';

describe('in headless Chromium, on the embedded database', () => {
  let database: Database;
  beforeAll(async () => {
    database = await openDatabase({ memory: true });
    await database.migrate();
  }, 60_000);
  afterAll(async () => {
    await database?.close();
  });

  it('logs in, creates a riddle with three options and answers it wrong then right', async () => {
    const shots = await runBrowserFlow(database, screenshotDir('pglite'));
    expect(shots).toHaveLength(9);
    for (const file of shots) {
      expect(existsSync(file), file).toBe(true);
      expect(statSync(file).size, file).toBeGreaterThan(1000);
    }
  }, 180_000);
});
