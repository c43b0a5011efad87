import { describe, expect, it } from 'vitest';
import { AuthError, createMailer, type SmtpMailerOptions } from '../src/index.js';
import { createTestServer } from '../src/testing.js';

const note = { from: 'ada@example.com', to: 'bob@example.com', subject: 'Hi', text: 'Hello' };
const sockets = (): number => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setTimeout(r, 10));
}

describe('lifecycle', () => {
  it('leaves no socket open after close(), after success and after failures', async () => {
    await settle();
    const before = sockets();
    const server = await createTestServer({ tls: 'starttls', auth: { user: 'u', pass: 'p' } });
    const connect = (options: Partial<SmtpMailerOptions>) =>
      createMailer({
        host: server.host,
        port: server.port,
        security: 'starttls',
        tls: { ca: server.ca },
        auth: { user: 'u', pass: 'p' },
        ...options,
      });
    for (const pool of [false, true]) {
      const ok = connect({ pool });
      await Promise.all([ok.send(note), ok.send(note), ok.send(note)]);
      await ok.close();
      const bad = connect({ auth: { user: 'u', pass: 'wrong' }, pool });
      await expect(bad.send(note)).rejects.toBeInstanceOf(AuthError);
      await bad.close();
    }
    server.reject('data', 451, 'later', { times: 10 });
    const retrying = connect({ retries: 2, retryDelay: 1 });
    await expect(retrying.send(note)).rejects.toMatchObject({ attempts: 3 });
    await retrying.close();
    await server.close();
    await settle();
    expect(sockets()).toBeLessThanOrEqual(before);
    expect(server.messages).toHaveLength(6);
  });

  it('logs in with XOAUTH2 and an access token, and maps a refused token to EAUTH', async () => {
    const server = await createTestServer({
      tls: 'implicit',
      auth: { user: 'ada@example.com', accessToken: 'ya29.good' },
    });
    try {
      const options = {
        host: server.host,
        port: server.port,
        security: 'tls' as const,
        tls: { ca: server.ca },
      };
      const good = createMailer({
        ...options,
        auth: { type: 'oauth2', user: 'ada@example.com', accessToken: 'ya29.good' },
      });
      await good.send(note);
      await good.close();
      expect(server.messages[0]).toMatchObject({ user: 'ada@example.com', authMethod: 'XOAUTH2' });
      const records: string[] = [];
      const bad = createMailer({
        ...options,
        auth: { type: 'oauth2', user: 'ada@example.com', accessToken: 'ya29.revoked-token' },
        debug: true,
        logger: (r) => records.push(r.message),
      });
      const err = await bad.send(note).catch((e: unknown) => e);
      await bad.close();
      expect(err).toBeInstanceOf(AuthError);
      expect((err as Error).message).not.toContain('ya29.revoked-token');
      expect(records.join('\n')).not.toContain('ya29.revoked-token');
    } finally {
      await server.close();
    }
  });
});
