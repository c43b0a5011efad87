import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConnectionClosedError, connect, LengthPrefixedCodec } from '../src/index.js';
import { defer, echoServer, startServer, tempDir } from './helpers.js';

/** A throwaway self-signed certificate for 127.0.0.1, made by openssl in a temp dir. */
function selfSigned(): { key: Buffer; cert: Buffer } {
  const dir = tempDir();
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    { stdio: 'ignore' },
  );
  return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
}

describe('TLS', () => {
  it('echoes framed messages over TLS with a verified certificate', async () => {
    const { key, cert } = selfSigned();
    const codec = new LengthPrefixedCodec();
    const { port } = await echoServer({ codec, tls: { key, cert } });
    const conn = await connect({ host: '127.0.0.1', port, codec, tls: { ca: cert } });
    defer(() => conn.destroy());
    const big = Buffer.alloc(100_000, 7);
    const [a, b] = await Promise.all([conn.request('secret'), conn.request(big)]);
    expect(String(a)).toBe('secret');
    expect(b!.equals(big)).toBe(true);
    await conn.close();
  });

  it('end() half-closes over TLS too: the server reads everything, then replies', async () => {
    const { key, cert } = selfSigned();
    const { port } = await startServer({
      tls: { key, cert },
      async onConnection(conn) {
        const all: string[] = [];
        for await (const m of conn) all.push(String(m));
        await conn.send(`got ${all.join(',')}`);
      },
    });
    const conn = await connect({ host: '127.0.0.1', port, tls: { ca: cert } });
    defer(() => conn.destroy());
    void conn.send('a');
    void conn.send('b');
    await conn.end();
    expect(String(await conn.receive({ timeoutMs: 10_000 }))).toBe('got a,b');
    await conn.closedPromise;
  });

  it('fails to connect when the certificate is not trusted', async () => {
    const { key, cert } = selfSigned();
    const { port } = await echoServer({ tls: { key, cert } });
    const err = await connect({ host: '127.0.0.1', port, tls: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionClosedError);
    expect((err as Error & { cause: { code: string } }).cause.code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
  });
});
