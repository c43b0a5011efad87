import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { compose, createMailer, type MailerLogRecord } from '../src/index.js';
import { createTestServer } from '../src/testing.js';
import { parseWithPython, tempDir } from './helpers.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});
const note = {
  from: 'Ada <ada@example.com>',
  to: 'bob@example.com',
  subject: 'Stored',
  text: 'Kept on disk',
};

describe('file transport', () => {
  it('writes one complete .eml per message into the folder (created if missing), nothing else', async () => {
    const tmp = await tempDir();
    cleanups.push(tmp.cleanup);
    const directory = join(tmp.dir, 'outbox', 'nested');
    const mailer = createMailer({ transport: 'file', directory });
    await mailer.verify();
    const a = await mailer.send(note);
    const b = await mailer.send({ ...note, subject: 'Second' });
    await mailer.close();
    expect(a.path).toMatch(/\.eml$/);
    expect(a.path).not.toBe(b.path);
    const files = (await readdir(directory)).sort();
    expect(files).toHaveLength(2);
    expect(files.every((f) => f.endsWith('.eml'))).toBe(true);
    const py = await parseWithPython(await readFile(a.path!));
    expect(py.headers.subject).toBe('Stored');
    expect(py.headers['message-id']).toBe(a.messageId);
    expect(py.text?.trim()).toBe('Kept on disk');
    expect(a.accepted).toEqual(['bob@example.com']);
  });
});

describe('stream transport and compose()', () => {
  it('returns the same bytes compose() renders, with CRLF line ends', async () => {
    const mailer = createMailer({ transport: 'stream' });
    const date = new Date('2024-01-02T03:04:05Z');
    const fixed = { ...note, date, messageId: '<fixed@example.com>' };
    const sent = await mailer.send(fixed);
    const composed = await compose(fixed);
    expect(sent.message?.equals(composed)).toBe(true);
    expect(composed.toString('latin1')).toContain('\r\nSubject: Stored\r\n');
    expect(composed.toString('latin1')).not.toMatch(/[^\r]\n/);
    const py = await parseWithPython(composed);
    expect(py.headers.date).toBe('Tue, 02 Jan 2024 03:04:05 +0000');
    expect(py.headers['message-id']).toBe('<fixed@example.com>');
  });
});

describe('credentials', () => {
  it('never appear in a log line, a debug transcript or an error', async () => {
    const pass = 'hunter2-very-secret';
    const server = await createTestServer({ auth: { user: 'ada', pass } });
    cleanups.push(() => server.close());
    const records: MailerLogRecord[] = [];
    for (const method of ['PLAIN', 'LOGIN'] as const) {
      for (const password of [pass, `${pass}-wrong`]) {
        const mailer = createMailer({
          host: server.host,
          port: server.port,
          security: 'none',
          allowInsecureAuth: true,
          auth: { user: 'ada', pass: password, method },
          debug: true,
          logger: (r) => records.push(r),
          retries: 0,
        });
        const outcome = await mailer.send(note).catch((e: unknown) => e);
        await mailer.close();
        const text =
          outcome instanceof Error
            ? `${outcome.message} ${JSON.stringify(outcome)} ${inspect(outcome, { depth: 6, showHidden: true })}`
            : JSON.stringify(outcome);
        expect(inspect(mailer, { depth: 6, showHidden: true })).not.toContain(pass);
        expect(text).not.toContain(pass);
      }
    }
    expect(server.messages).toHaveLength(2);
    // The transcript was on: the AUTH exchange was logged, masked.
    expect(records.some((r) => /AUTH (PLAIN|LOGIN)/.test(r.message))).toBe(true);
    const secrets = [
      pass,
      Buffer.from(pass).toString('base64'),
      Buffer.from(`\0ada\0${pass}`).toString('base64'),
      Buffer.from(`${pass}-wrong`).toString('base64'),
      Buffer.from(`\0ada\0${pass}-wrong`).toString('base64'),
    ];
    for (const r of records) for (const s of secrets) expect(r.message).not.toContain(s);
  });
});
