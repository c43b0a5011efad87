import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ConnectionClosedError,
  connect,
  DelimitedCodec,
  FrameTooLargeError,
  type FramedConnection,
  LengthPrefixedCodec,
  TimeoutError,
  UnexpectedEofError,
} from '../src/index.js';
import { closed, defer, echoServer, rawConnect, startServer, tempDir, until } from './helpers.js';

/** A server whose handler records the error that ended its connection's message stream. */
async function recordingServer(options: Parameters<typeof startServer>[0] = {}) {
  const errors: unknown[] = [];
  const conns: FramedConnection[] = [];
  const got: string[] = [];
  const started = await startServer({
    ...options,
    async onConnection(conn) {
      conns.push(conn);
      try {
        for await (const m of conn.messages()) got.push(String(m));
      } catch (err) {
        errors.push(err);
      }
    },
  });
  return { ...started, errors, conns, got };
}

describe('hostile peers', () => {
  it('a header claiming 4 GB is rejected at once and reading stops (memory stays flat)', async () => {
    const { port, errors, conns, got } = await recordingServer();
    const raw = await rawConnect(port);
    raw.on('error', () => {});
    const heapBefore = process.memoryUsage().heapUsed;
    raw.write(new LengthPrefixedCodec().encode('fine'));
    raw.write(Buffer.from([0xff, 0xff, 0xff, 0xff]));
    // Keep pushing 64 MiB of body behind the header while the server is cutting us off.
    const junk = Buffer.alloc(1024 * 1024, 0x41);
    for (let i = 0; i < 64 && !raw.destroyed; i++) {
      if (!raw.write(junk)) await new Promise((r) => setTimeout(r, 1));
    }
    await until(() => errors.length === 1);
    await closed(raw);
    const err = errors[0];
    expect(err).toBeInstanceOf(FrameTooLargeError);
    expect(err).toMatchObject({ code: 'FRAME_TOO_LARGE', length: 0xffffffff, frameIndex: 1 });
    expect(got).toEqual(['fine']);
    const conn = conns[0]!;
    await conn.closedPromise;
    // The socket was destroyed right after the header: it never read the 64 MiB behind it.
    expect(conn.stats.bytesRead).toBeLessThan(8 * 1024 * 1024);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(48 * 1024 * 1024);
  });

  it('a delimited peer that never sends the delimiter is cut off at maxLength', async () => {
    const codec = new DelimitedCodec('\n', { maxLength: 1024 });
    const { port, errors, conns } = await recordingServer({ codec });
    const raw = await rawConnect(port);
    raw.on('error', () => {});
    raw.write(Buffer.alloc(4096, 0x61));
    await until(() => errors.length === 1);
    expect(errors[0]).toMatchObject({ code: 'FRAME_TOO_LARGE', maxLength: 1024 });
    await conns[0]!.closedPromise;
    await closed(raw);
  });

  it('a peer that sends half a frame and stalls is cut off by the idle timeout', async () => {
    const { port, errors, conns } = await recordingServer({ idleTimeoutMs: 150 });
    const raw = await rawConnect(port);
    raw.write(Buffer.from([0, 0, 0, 10, 1, 2]));
    await closed(raw);
    await until(() => errors.length === 1);
    expect(errors[0]).toBeInstanceOf(TimeoutError);
    expect(errors[0]).toMatchObject({ code: 'TIMEOUT', phase: 'idle', timeoutMs: 150 });
    await conns[0]!.closedPromise;
    expect(conns[0]!.closed).toBe(true);
  });

  it('a peer closing mid-frame gives UNEXPECTED_EOF with the bytes that arrived', async () => {
    const { port, errors, got } = await recordingServer();
    const raw = await rawConnect(port);
    raw.write(new LengthPrefixedCodec().encode('whole'));
    raw.end(Buffer.from([0, 0, 0, 10, 1, 2, 3, 4]));
    await until(() => errors.length === 1);
    expect(got).toEqual(['whole']);
    expect(errors[0]).toBeInstanceOf(UnexpectedEofError);
    expect(errors[0]).toMatchObject({
      code: 'UNEXPECTED_EOF',
      frameIndex: 1,
      bytesReceived: 8,
      expectedBytes: 14,
    });
    await closed(raw);
  });

  it('our client sees UNEXPECTED_EOF when the server closes mid-frame', async () => {
    const { port } = await startServer({
      async onConnection(conn) {
        await conn.receive();
        conn.socket.end(Buffer.from([0, 0, 0, 9, 0x61]));
      },
    });
    const conn = await connect({ host: '127.0.0.1', port });
    defer(() => conn.destroy());
    const reply = conn.request('hi');
    await expect(reply).rejects.toMatchObject({
      code: 'UNEXPECTED_EOF',
      bytesReceived: 5,
      expectedBytes: 13,
    });
  });

  it('refuses connections beyond maxConnections', async () => {
    const { port } = await echoServer({ maxConnections: 2 });
    const a = await connect({ host: '127.0.0.1', port });
    const b = await connect({ host: '127.0.0.1', port });
    defer(() => a.destroy());
    defer(() => b.destroy());
    await a.request('1');
    await b.request('2');
    const c = await connect({ host: '127.0.0.1', port });
    defer(() => c.destroy());
    const err = await c.request('3').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionClosedError);
    expect(String(await a.request('still'))).toBe('still');
  });

  it('1,000 concurrent connections on one server all echo correctly', async () => {
    const N = 1000;
    let open = 0;
    let maxOpen = 0;
    const { server, port } = await startServer({
      async onConnection(conn) {
        open++;
        maxOpen = Math.max(maxOpen, open);
        try {
          for await (const m of conn.messages()) void conn.send(m);
        } finally {
          open--;
        }
      },
    });
    // The clients live in a child process (plain node, framing written by hand) so each process
    // needs ~1,000 descriptors, not 2,000; they connect in waves to stay gentle on the backlog.
    const dir = tempDir();
    const script = join(dir, 'clients.mjs');
    writeFileSync(
      script,
      `
import net from 'node:net';
const [port, n] = process.argv.slice(2).map(Number);
const frame = (s) => { const b = Buffer.from(s); const h = Buffer.alloc(4); h.writeUInt32BE(b.length); return Buffer.concat([h, b]); };
function client(id) {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => resolve(s));
    s.on('error', reject);
  });
}
function exchange(s, id) {
  return new Promise((resolve, reject) => {
    const want = [0, 1, 2].map((k) => 'client ' + id + ' message ' + k);
    let buf = Buffer.alloc(0);
    const got = [];
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 4 && buf.length >= 4 + buf.readUInt32BE(0)) {
        const n = buf.readUInt32BE(0);
        got.push(buf.subarray(4, 4 + n).toString());
        buf = buf.subarray(4 + n);
      }
      if (got.length === 3) resolve(got.join('|') === want.join('|'));
    });
    s.on('error', reject);
    s.write(Buffer.concat(want.map(frame)));
  });
}
const sockets = [];
for (let i = 0; i < n; i += 100) {
  const wave = [];
  for (let j = i; j < Math.min(n, i + 100); j++) wave.push(client(j));
  sockets.push(...(await Promise.all(wave)));
}
process.stdout.write('connected\\n');
await new Promise((r) => process.stdin.once('data', r));
const ok = await Promise.all(sockets.map((s, i) => exchange(s, i)));
await Promise.all(sockets.map((s) => new Promise((r) => { s.once('close', r); s.end(); })));
process.stdout.write(JSON.stringify({ ok: ok.filter(Boolean).length }) + '\\n');
`,
    );
    const child = spawn(process.execPath, [script, String(port), String(N)], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    defer(() => {
      if (child.exitCode === null) child.kill();
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d;
    });
    await until(() => out.includes('connected'), 60_000);
    await until(() => server.connections.size === N, 30_000);
    child.stdin.end('go\n');
    await until(() => out.includes('"ok"'), 60_000);
    expect(JSON.parse(out.split('\n')[1]!)).toEqual({ ok: N });
    expect(maxOpen).toBe(N);
    await until(() => server.connections.size === 0, 30_000);
  }, 120_000);

  it('close({ graceful: true }) under load loses no acknowledged message', async () => {
    const stored: string[] = [];
    const { server, port } = await startServer({
      async onConnection(conn) {
        for await (const m of conn.messages()) {
          stored.push(String(m));
          await conn.send(m); // the echo is the acknowledgement
        }
      },
    });
    const CLIENTS = 20;
    const PER_CLIENT = 300;
    const acked: string[] = [];
    let closeCalled = false;
    const clients = await Promise.all(
      Array.from({ length: CLIENTS }, () => connect({ host: '127.0.0.1', port })),
    );
    for (const c of clients) defer(() => c.destroy());
    const work = clients.map(async (conn, id) => {
      for (let k = 0; k < PER_CLIENT; k++) {
        const msg = `${id}:${k}`;
        const reply = await conn.request(msg);
        expect(String(reply)).toBe(msg);
        acked.push(msg);
      }
      await conn.close();
    });
    await until(() => acked.length >= (CLIENTS * PER_CLIENT) / 4);
    const closing = server.close({ graceful: true }).then(() => {
      closeCalled = true;
    });
    // New connections are refused as soon as close() started.
    await expect(connect({ host: '127.0.0.1', port, timeoutMs: 5000 })).rejects.toBeInstanceOf(
      ConnectionClosedError,
    );
    expect(closeCalled).toBe(false);
    await Promise.all(work);
    await closing;
    expect(acked.length).toBe(CLIENTS * PER_CLIENT);
    const storedSet = new Set(stored);
    expect(acked.every((m) => storedSet.has(m))).toBe(true);
    expect(server.connections.size).toBe(0);
  }, 60_000);

  it('close({ graceful: false }) destroys open connections at once', async () => {
    const { server, port } = await echoServer();
    const conn = await connect({ host: '127.0.0.1', port });
    defer(() => conn.destroy());
    await conn.request('x');
    const pending = conn.receive();
    await server.close({ graceful: false });
    await expect(pending).rejects.toBeInstanceOf(ConnectionClosedError);
  });

  it('graceful close with timeoutMs destroys connections that do not finish', async () => {
    const { server, port } = await echoServer();
    const conn = await connect({ host: '127.0.0.1', port });
    defer(() => conn.destroy());
    await conn.request('x');
    await server.close({ graceful: true, timeoutMs: 100 });
    expect(server.connections.size).toBe(0);
    // The server's side is gone: our client sees the end of the stream.
    await expect(conn.receive()).rejects.toBeInstanceOf(ConnectionClosedError);
    await conn.close();
  });
});
