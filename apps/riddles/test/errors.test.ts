import { PassThrough } from 'node:stream';
import { Formatter, getLogger, StreamHandler } from '@cb/log';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { createAuditLog, SERVER_LOGGER } from '../src/audit.js';
import { openDatabase } from '../src/db/client.js';

describe('unexpected errors', () => {
  const stream = new PassThrough();
  let out = '';
  const handler = new StreamHandler(stream, {
    formatter: new Formatter('%(levelname)s %(name)s %(message)s'),
  });
  beforeAll(() => {
    stream.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    getLogger(SERVER_LOGGER).addHandler(handler);
  });
  afterAll(async () => {
    getLogger(SERVER_LOGGER).removeHandler(handler);
    await handler.close();
  });

  it('refuses a secret shorter than 32 characters, then answers 500 with a page and logs the error with its stack when the database is gone', async () => {
    const database = await openDatabase({ memory: true });
    await database.migrate();
    const audit = createAuditLog();
    await expect(buildApp({ database, audit, secret: 'short' })).rejects.toThrow(TypeError);
    const app = await buildApp({ database, audit, secret: 'x'.repeat(32) });
    try {
      await database.close();
      const res = await app.inject({ method: 'GET', url: '/riddles/' });
      expect(res.statusCode).toBe(500);
      expect(res.body).toContain('Something went wrong on our side.');
      expect(res.body).not.toMatch(/at .*\.ts:\d+/); // no stack trace for visitors
      expect(out).toMatch(/^ERROR riddles\.server GET \/riddles\/ failed\n/);
      expect(out).toMatch(/\n\s+at /); // the stack follows the message
    } finally {
      await app.close();
      await audit.close();
    }
  }, 60_000);
});
