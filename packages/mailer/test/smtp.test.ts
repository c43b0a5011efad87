import { describe, expect, it } from 'vitest';
import { AuthError, createMailer, TlsError } from '../src/index.js';
import { createTestCertificates, createTestServer } from '../src/testing.js';
import { closeAfterEach } from './helpers.js';

const user = { user: 'ada', pass: 'correct horse battery staple' };
const { server, mailer } = closeAfterEach();
const note = { from: 'ada@example.com', to: 'bob@example.com', subject: 'Note', text: 'Hello' };

describe('SMTP against a real server on loopback', () => {
  it('sends over a plain connection without login', async () => {
    const s = await server({});
    const m = mailer({ host: s.host, port: s.port, security: 'none' });
    const result = await m.send(note);
    expect(result.accepted).toEqual(['bob@example.com']);
    expect(result.response).toMatch(/^250 /);
    expect(result.attempts).toBe(1);
    expect(s.messages).toHaveLength(1);
    expect(s.messages[0]?.secure).toBe(false);
    expect(s.messages[0]?.messageId).toBe(result.messageId);
  });

  it('upgrades with STARTTLS, trusting the CA given in tls.ca, and logs in with AUTH PLAIN', async () => {
    const s = await server({ tls: 'starttls', auth: user });
    const m = mailer({ host: s.host, port: s.port, security: 'starttls', tls: { ca: s.ca }, auth: user });
    await m.verify();
    await m.send(note);
    expect(s.messages[0]).toMatchObject({ secure: true, user: 'ada', authMethod: 'PLAIN' });
  });

  it('speaks implicit TLS and logs in with AUTH LOGIN when asked to', async () => {
    const s = await server({ tls: 'implicit', auth: user });
    const m = mailer({
      host: s.host,
      port: s.port,
      security: 'tls',
      tls: { ca: s.ca },
      auth: { ...user, method: 'LOGIN' },
    });
    await m.send(note);
    expect(s.messages[0]).toMatchObject({ secure: true, user: 'ada', authMethod: 'LOGIN' });
  });

  it('fails with EAUTH on a wrong password, without the password in the error', async () => {
    const s = await server({ tls: 'starttls', auth: user });
    const m = mailer({
      host: s.host,
      port: s.port,
      security: 'starttls',
      tls: { ca: s.ca },
      auth: { user: 'ada', pass: 'wrong-password' },
      retries: 3,
    });
    const err = await m.send(note).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect(err).toMatchObject({ code: 'EAUTH', responseCode: 535, attempts: 1 });
    expect(JSON.stringify({ ...(err as object), message: (err as Error).message })).not.toContain(
      'wrong-password',
    );
    expect(s.messages).toHaveLength(0);
  });

  it('fails with ETLS when the certificate does not chain to the given CA (implicit TLS and STARTTLS)', async () => {
    const other = await createTestCertificates();
    for (const tls of ['implicit', 'starttls'] as const) {
      const s = await server({ tls, auth: user });
      const m = mailer({
        host: s.host,
        port: s.port,
        security: s.security,
        tls: { ca: other.ca },
        auth: user,
      });
      const err = await m.send(note).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TlsError);
      expect((err as TlsError).code).toBe('ETLS');
      expect((err as TlsError).message).toContain('tls.ca');
      expect(s.messages).toHaveLength(0);
    }
  });

  it('fails with ETLS and suggests STARTTLS when implicit TLS meets a plain server', async () => {
    const s = await server({ tls: 'starttls' });
    const m = mailer({ host: s.host, port: s.port, security: 'tls', tls: { ca: s.ca } });
    const err = await m.send(note).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TlsError);
    expect((err as TlsError).message).toContain("use security: 'starttls'");
  });

  it("fails with ETLS when 'starttls' is required and the server does not offer it", async () => {
    const s = await server({});
    const m = mailer({ host: s.host, port: s.port, security: 'starttls' });
    const err = await m.send(note).catch((e: unknown) => e);
    expect((err as TlsError).code).toBe('ETLS');
    expect(s.messages).toHaveLength(0);
  });

  it('delivers to internationalized addresses (SMTPUTF8 local part, IDN domain)', async () => {
    const s = await server({});
    const m = mailer({ host: s.host, port: s.port, security: 'none' });
    const result = await m.send({ ...note, to: ['josé@exämple.com', 'bob@bücher.de'] });
    expect(result.accepted).toEqual(['josé@exämple.com', 'bob@xn--bcher-kva.de']);
    expect(s.messages[0]?.envelope.to).toEqual(['josé@exämple.com', 'bob@bücher.de']);
  });

  it('reports a refused connection as ECONNECTION after the retries', async () => {
    const s = await createTestServer({});
    const port = s.port;
    await s.close();
    const m = mailer({ host: '127.0.0.1', port, security: 'none', retries: 1, retryDelay: 1 });
    const err = await m.send(note).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ECONNECTION', systemCode: 'ECONNREFUSED', attempts: 2 });
  });

  it('reports a greeting slower than timeouts.greeting as ETIMEDOUT, after retrying it', async () => {
    const s = await server({ greetingDelay: 400 });
    const m = mailer({
      host: s.host,
      port: s.port,
      security: 'none',
      timeouts: { greeting: 50 },
      retries: 1,
      retryDelay: 1,
    });
    const err = await m.send(note).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ETIMEDOUT', attempts: 2, transient: true });
    expect(s.connections).toBe(2);
  });

  it('sends through a pool and drains it on close()', async () => {
    const s = await server({});
    const m = createMailer({ host: s.host, port: s.port, security: 'none', pool: { maxConnections: 3 } });
    const sends = Array.from({ length: 30 }, (_, i) => m.send({ ...note, subject: `n${i}` }));
    await m.close();
    const results = await Promise.all(sends);
    expect(results.every((r) => r.accepted.length === 1)).toBe(true);
    expect(s.messages).toHaveLength(30);
    expect(s.connections).toBeLessThanOrEqual(3);
    await expect(m.send(note)).rejects.toMatchObject({ code: 'ECLOSED' });
  });

  it('aborts a send with EABORT when its signal fires', async () => {
    const s = await server({});
    s.delay('data', 2000);
    const m = mailer({ host: s.host, port: s.port, security: 'none' });
    const controller = new AbortController();
    const sending = m.send(note, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(sending).rejects.toMatchObject({ code: 'EABORT' });
    await expect(m.send(note, { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'EABORT' });
  });

  it('close({ force: true }) aborts sends in progress and pending retries instead of waiting', async () => {
    for (const pool of [false, true]) {
      const s = await server({});
      s.delay('data', 10_000);
      s.reject('mail', 451, 'later', { times: 1 });
      const m = createMailer({ host: s.host, port: s.port, security: 'none', pool, retryDelay: 10_000 });
      const stuck = m.send(note).catch((e: unknown) => e);
      const retrying = m.send({ ...note, subject: 'retry' }).catch((e: unknown) => e);
      await new Promise((r) => setTimeout(r, 200));
      const started = Date.now();
      await m.close({ force: true });
      expect(Date.now() - started).toBeLessThan(5000);
      expect(await stuck).toMatchObject({ code: 'EABORT' });
      expect(await retrying).toMatchObject({ code: 'EABORT' });
      await expect(m.send(note)).rejects.toMatchObject({ code: 'ECLOSED' });
    }
    const m = mailer({ port: 2525, security: 'none' });
    expect(() => m.close({ forced: true } as never)).toThrow(TypeError);
  });

  it('keeps a send within the rate limit', async () => {
    const s = await server({});
    const m = mailer({
      host: s.host,
      port: s.port,
      security: 'none',
      rateLimit: { messages: 2, perMilliseconds: 300 },
    });
    const started = Date.now();
    await Promise.all([1, 2, 3].map(() => m.send(note)));
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(s.messages).toHaveLength(3);
  });
});
