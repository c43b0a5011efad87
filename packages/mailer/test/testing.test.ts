import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SmtpMailerOptions } from '../src/index.js';
import { createTestServer, type TestServerOptions } from '../src/testing.js';
import { closeAfterEach } from './helpers.js';

const closing = closeAfterEach();
const setup = (options: TestServerOptions = {}, extra: Partial<SmtpMailerOptions> = {}) =>
  closing.setup(options, { retryDelay: 1, ...extra });
const note = { from: 'ada@example.com', to: 'bob@example.com', subject: 'T', text: 'Body' };

describe('createTestServer', () => {
  it('rejects an unknown option with a TypeError', async () => {
    await expect(createTestServer({ secure: true } as unknown as TestServerOptions)).rejects.toThrow(
      TypeError,
    );
  });

  it('refuses a message over maxSize with 552, which is not retried', async () => {
    const { s, m } = await setup({ maxSize: 2000 });
    const err = await m.send({ ...note, text: 'x'.repeat(10_000) }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'EMESSAGE', responseCode: 552, attempts: 1 });
    expect(s.messages).toHaveLength(0);
  });

  it('drops the connection at MAIL FROM when told to, and the client retries', async () => {
    const { s, m } = await setup();
    s.drop('mail');
    const result = await m.send(note);
    expect(result.attempts).toBe(2);
    expect(s.connections).toBe(2);
  });

  it('keeps the raw bytes up to keepRawBytes and always records size and sha256', async () => {
    const { s, m } = await setup({ keepRawBytes: 100, keepAttachmentBytes: 3 });
    await m.send({ ...note, attachments: [{ filename: 'a.bin', content: Buffer.from('abcdef') }] });
    const [got] = await s.waitForMessages(1);
    expect(got?.raw).toBeUndefined();
    expect(got?.size).toBeGreaterThan(100);
    expect(got?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(got?.attachments[0]).toMatchObject({
      size: 6,
      content: undefined,
      sha256: createHash('sha256').update('abcdef').digest('hex'),
    });
  });

  it('records without parsing when parse is false', async () => {
    const { s, m } = await setup({ parse: false });
    await m.send(note);
    expect(s.messages[0]).toMatchObject({ subject: undefined, envelope: { from: 'ada@example.com' } });
    expect(s.messages[0]?.raw?.toString()).toContain('Subject: T');
  });

  it('times out waitForMessages, and reset() forgets messages and faults', async () => {
    const { s, m } = await setup({}, { retries: 0 });
    await expect(s.waitForMessages(1, 50)).rejects.toThrow(/Timed out waiting for 1 messages/);
    s.reject('data', 550);
    await m.send(note).catch(() => undefined);
    await m.send(note);
    expect(s.messages).toHaveLength(1);
    s.reject('data', 550);
    s.reset();
    expect(s.messages).toHaveLength(0);
    await m.send(note);
    expect(s.messages).toHaveLength(1);
  });
});
