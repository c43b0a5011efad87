import { describe, expect, it } from 'vitest';
import { EnvelopeError, type SmtpMailerOptions } from '../src/index.js';
import { closeAfterEach } from './helpers.js';

const closing = closeAfterEach();
const setup = (extra: Partial<SmtpMailerOptions> = {}) => closing.setup({}, { retryDelay: 5, ...extra });
const note = { from: 'ada@example.com', to: 'bob@example.com', subject: 'Retry', text: 'Body' };

describe('retries', () => {
  for (const pool of [false, true]) {
    const mode = pool ? 'pooled' : 'one connection per message';
    it(`retries a 451 reply to DATA and delivers once (${mode})`, async () => {
      const { s, m } = await setup({ pool });
      s.reject('data', 451, 'Try again later', { times: 2 });
      const result = await m.send(note);
      expect(result.attempts).toBe(3);
      expect(s.messages).toHaveLength(1);
    });

    it(`retries when the server drops the connection mid-DATA (${mode})`, async () => {
      const { s, m } = await setup({ pool });
      s.drop('data');
      const result = await m.send(note);
      expect(result.attempts).toBe(2);
      expect(s.messages).toHaveLength(1);
      expect(s.messages[0]?.text?.trim()).toBe('Body');
    });

    it(`does not retry a 550 reply (${mode})`, async () => {
      const { s, m } = await setup({ pool, retries: 5 });
      s.reject('data', 550, 'Content rejected', { times: 1 });
      const err = await m.send(note).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'EMESSAGE', responseCode: 550, command: 'DATA', attempts: 1 });
      expect((err as Error).message).toContain('550 Content rejected');
      expect(s.messages).toHaveLength(0);
      // The fault was used up by the single attempt: the next message goes through.
      await m.send(note);
      expect(s.messages).toHaveLength(1);
    });
  }

  it('gives up after `retries` extra attempts and reports how many were made', async () => {
    const { s, m } = await setup({ retries: 2 });
    s.reject('data', 451, 'Busy', { times: 10 });
    const err = await m.send(note).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'EMESSAGE', responseCode: 451, attempts: 3, transient: true });
  });

  it('retries a 421 greeting (server busy) and a 451 to MAIL FROM', async () => {
    const { s, m } = await setup({ retries: 3 });
    s.reject('connect', 421, 'Too busy');
    s.reject('mail', 451, 'Greylisted');
    const result = await m.send(note);
    expect(result.attempts).toBe(3);
    expect(s.messages).toHaveLength(1);
  });

  it('returns per-recipient results when some recipients are refused', async () => {
    const { s, m } = await setup({ retries: 0 });
    s.reject('rcpt', 550, 'No such user', { recipient: 'ghost@example.com' });
    s.reject('rcpt', 452, 'Mailbox full', { recipient: 'full@example.com' });
    const result = await m.send({
      ...note,
      to: ['bob@example.com', 'ghost@example.com'],
      cc: 'full@example.com',
    });
    expect(result.accepted).toEqual(['bob@example.com']);
    expect(result.rejected.sort()).toEqual(['full@example.com', 'ghost@example.com']);
    const byAddress = Object.fromEntries(result.rejections.map((r) => [r.address, r.responseCode]));
    expect(byAddress).toEqual({ 'ghost@example.com': 550, 'full@example.com': 452 });
    expect(s.messages[0]?.envelope.to).toEqual(['bob@example.com']);
  });

  it('retries only the recipients deferred with a 4xx, under the same Message-ID', async () => {
    const { s, m } = await setup({ retries: 3 });
    s.reject('rcpt', 450, 'Mailbox busy', { recipient: 'busy@example.com', times: 2 });
    s.reject('rcpt', 550, 'No such user', { recipient: 'ghost@example.com' });
    const result = await m.send({
      ...note,
      to: ['bob@example.com', 'busy@example.com', 'ghost@example.com'],
    });
    expect(result.attempts).toBe(3);
    expect(result.accepted.sort()).toEqual(['bob@example.com', 'busy@example.com']);
    expect(result.rejected).toEqual(['ghost@example.com']);
    expect(result.rejections).toEqual([
      expect.objectContaining({ address: 'ghost@example.com', responseCode: 550 }),
    ]);
    expect(s.messages.map((msg) => msg.envelope.to)).toEqual([['bob@example.com'], ['busy@example.com']]);
    expect(s.messages[1]?.messageId).toBe(result.messageId);
    expect(s.messages[0]?.messageId).toBe(result.messageId);
  });

  it('reports a recipient still deferred after the last retry in `rejections`', async () => {
    const { s, m } = await setup({ retries: 1 });
    s.reject('rcpt', 452, 'Over quota', { recipient: 'full@example.com', times: 5 });
    const result = await m.send({ ...note, to: ['bob@example.com', 'full@example.com'] });
    expect(result.attempts).toBe(2);
    expect(result.accepted).toEqual(['bob@example.com']);
    expect(result.rejections).toEqual([
      expect.objectContaining({ address: 'full@example.com', responseCode: 452 }),
    ]);
    expect(s.messages).toHaveLength(1);
  });

  it('fails with EENVELOPE listing every refused recipient when none is accepted', async () => {
    const { s, m } = await setup({ retries: 3 });
    s.reject('rcpt', 550, 'No such user', { times: 2 });
    const err = await m.send({ ...note, to: ['x@example.com', 'y@example.com'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EnvelopeError);
    expect((err as EnvelopeError).attempts).toBe(1);
    expect((err as EnvelopeError).rejected.map((r) => [r.address, r.responseCode])).toEqual([
      ['x@example.com', 550],
      ['y@example.com', 550],
    ]);
  });

  it('does not retry a message whose attachment is a one-shot stream', async () => {
    const { Readable } = await import('node:stream');
    const { s, m } = await setup({ retries: 3 });
    s.reject('data', 451);
    const err = await m
      .send({ ...note, attachments: [{ filename: 'x.bin', stream: Readable.from([Buffer.from('abc')]) }] })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ responseCode: 451, attempts: 1 });
  });
});
