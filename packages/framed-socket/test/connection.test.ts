import fc from 'fast-check';
import net from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AbortedError,
  ConnectionClosedError,
  connect,
  createServer,
  DelimitedCodec,
  FixedLengthCodec,
  FrameTooLargeError,
  type FramedConnection,
  LengthPrefixedCodec,
  TimeoutError,
  VarintLengthCodec,
  wrapSocket,
} from '../src/index.js';
import { defer, echoServer, listenRaw, rawConnect, startServer, tempDir, until } from './helpers.js';

async function client(port: number, options: Parameters<typeof connect>[0] | object = {}) {
  const conn = await connect({ host: '127.0.0.1', port, ...options });
  defer(() => conn.destroy());
  return conn;
}

describe('connect + createServer', () => {
  it.each([
    ['length-prefixed', new LengthPrefixedCodec()],
    ['varint', new VarintLengthCodec()],
    ['delimited', new DelimitedCodec('\r\n')],
  ])('echoes whole messages of every size with %s framing', async (_name, codec) => {
    const { port } = await echoServer({ codec });
    const conn = await client(port, { codec });
    const sizes = [0, 1, 15, 16, 1000, 16 * 1024, 70_000, 300_000];
    const messages = sizes.map((n, i) => Buffer.alloc(n, 97 + i));
    if (codec instanceof DelimitedCodec) messages.shift(); // an empty line is fine too, but keep one shape
    const sent = Promise.all(messages.map((m) => conn.send(m)));
    const got: Buffer[] = [];
    for await (const m of conn.messages()) {
      got.push(Buffer.from(m));
      if (got.length === messages.length) break;
    }
    await sent;
    expect(got.map((m) => m.length)).toEqual(messages.map((m) => m.length));
    expect(got.every((m, i) => m.equals(messages[i]!))).toBe(true);
    expect(conn.stats.framesSent).toBe(messages.length);
    expect(conn.stats.framesReceived).toBe(messages.length);
    await conn.close();
    expect(conn.closed).toBe(true);
  });

  it('request() sends and returns the reply; pipelined requests come back in order', async () => {
    const { port } = await echoServer();
    const conn = await client(port);
    expect(String(await conn.request('ping'))).toBe('ping');
    const replies = await Promise.all(['a', 'b', 'c'].map((m) => conn.request(m)));
    expect(replies.map(String)).toEqual(['a', 'b', 'c']);
    await conn.close();
  });

  it('a request whose message cannot be framed rejects without consuming the next reply', async () => {
    const codec = new LengthPrefixedCodec({ maxLength: 8 });
    const { port } = await echoServer({ codec });
    const conn = await client(port, { codec });
    await expect(conn.request('far too long for eight')).rejects.toBeInstanceOf(FrameTooLargeError);
    expect(String(await conn.request('short'))).toBe('short');
  });

  it("a failing handler destroys its connection and is reported as 'connectionError'", async () => {
    const { server, port } = await startServer({
      async onConnection(conn) {
        await conn.receive();
        throw new TypeError('handler bug');
      },
    });
    const reported: Error[] = [];
    server.on('connectionError', (err) => reported.push(err));
    const conn = await client(port);
    await expect(conn.request('boom')).rejects.toBeInstanceOf(ConnectionClosedError);
    await until(() => reported.length === 1);
    expect(reported[0]).toBeInstanceOf(TypeError);
    expect(reported[0]!.message).toBe('handler bug');
  });

  it("framing errors and idle timeouts are reported as 'connectionError'", async () => {
    const { server, port } = await echoServer({ codec: new LengthPrefixedCodec({ maxLength: 4 }) });
    const reported: Error[] = [];
    server.on('connectionError', (err) => reported.push(err));
    const raw = await rawConnect(port);
    raw.write(Buffer.from([0, 0, 0, 5]));
    await until(() => reported.length === 1);
    expect(reported[0]).toBeInstanceOf(FrameTooLargeError);
  });

  it('stops reading while highWaterMark messages wait unread, and loses none of them', async () => {
    const TOTAL = 20_000;
    const { port } = await startServer({
      async onConnection(conn) {
        let last: Promise<void> | undefined;
        for (let i = 0; i < TOTAL; i++) last = conn.send(`message ${i} ${'x'.repeat(200)}`);
        await last;
      },
    });
    const conn = await client(port, { highWaterMark: 16 });
    await until(() => conn.socket.isPaused());
    await new Promise((r) => setTimeout(r, 50));
    // Paused: most of the ~4.5 MB stays in the kernel (and the server's send buffer).
    expect(conn.stats.framesReceived).toBeLessThan(TOTAL);
    let i = 0;
    for await (const m of conn) {
      expect(String(m).startsWith(`message ${i} `)).toBe(true);
      i++;
    }
    expect(i).toBe(TOTAL);
  });

  it("a delimited server with onTooLarge: 'skip' drops oversize lines and keeps serving", async () => {
    const codec = new DelimitedCodec('\n', { maxLength: 8, onTooLarge: 'skip' });
    let serverConn!: FramedConnection;
    const { port } = await startServer({
      codec,
      async onConnection(conn) {
        serverConn = conn;
        for await (const m of conn) void conn.send(m);
      },
    });
    const raw = await rawConnect(port);
    let echoed = '';
    raw.on('data', (d: Buffer) => {
      echoed += d;
    });
    raw.write('short\nthis line is far too long\nok\n');
    await until(() => echoed === 'short\nok\n');
    expect(serverConn.stats.framesSkipped).toBe(1);
    expect(serverConn.stats.framesReceived).toBe(2);
  });

  it('close() gives up on a peer that never closes after timeoutMs', async () => {
    const peers: net.Socket[] = [];
    // Reads our end of stream but never ends its own side.
    const raw = net.createServer({ allowHalfOpen: true }, (s) => void peers.push(s));
    const port = await listenRaw(raw);
    defer(() => {
      for (const p of peers) p.destroy();
    });
    const conn = await client(port);
    let closeError: Error | null = null;
    conn.once('close', (err) => {
      closeError = err;
    });
    await conn.close({ timeoutMs: 100 });
    expect(conn.closed).toBe(true);
    expect(closeError).toBeInstanceOf(TimeoutError);
    expect(closeError).toMatchObject({ phase: 'close', timeoutMs: 100 });
  });

  it('a connection is itself an async iterable of messages', async () => {
    const { port } = await startServer({
      async onConnection(conn) {
        for (const m of ['x', 'y', 'z']) void conn.send(m);
      },
    });
    const conn = await client(port);
    const got: string[] = [];
    for await (const m of conn) got.push(String(m));
    expect(got).toEqual(['x', 'y', 'z']);
    await conn.close();
  });

  it('one codec instance serves many connections, each with its own decoder state', async () => {
    const codec = new LengthPrefixedCodec();
    const { port } = await echoServer({ codec });
    const a = await client(port, { codec });
    const b = await client(port, { codec });
    // Interleave half frames on two raw sockets sharing the codec: state must not mix.
    const r1 = await rawConnect(port);
    const r2 = await rawConnect(port);
    const f1 = codec.encode('first');
    const f2 = codec.encode('second');
    r1.write(f1.subarray(0, 3));
    r2.write(f2.subarray(0, 5));
    r1.write(f1.subarray(3));
    r2.write(f2.subarray(5));
    const read = (s: net.Socket, n: number) =>
      new Promise<Buffer>((resolve) => {
        let acc = Buffer.alloc(0);
        s.on('data', (d: Buffer) => {
          acc = Buffer.concat([acc, d]);
          if (acc.length >= n) resolve(acc);
        });
      });
    expect(await read(r1, f1.length)).toEqual(f1);
    expect(await read(r2, f2.length)).toEqual(f2);
    expect(String(await a.request('x'))).toBe('x');
    expect(String(await b.request('y'))).toBe('y');
  });

  it('end() half-closes: the peer reads everything, sees end of stream, and can still reply', async () => {
    const { port } = await startServer({
      async onConnection(conn) {
        const all: string[] = [];
        for await (const m of conn.messages()) all.push(String(m));
        await conn.send(`got ${all.join(',')}`);
      },
    });
    const conn = await client(port);
    void conn.send('a');
    void conn.send('b');
    await conn.end();
    await expect(conn.send('late')).rejects.toBeInstanceOf(ConnectionClosedError);
    expect(String(await conn.receive())).toBe('got a,b');
    await expect(conn.receive()).rejects.toBeInstanceOf(ConnectionClosedError);
    await conn.closedPromise;
  });

  it('receive() rejects with TIMEOUT, then still gets later messages', async () => {
    const { port } = await startServer({
      async onConnection(conn) {
        await conn.receive();
        await conn.send('late reply');
        await conn.receive().catch(() => {});
      },
    });
    const conn = await client(port);
    const err = await conn.receive({ timeoutMs: 50 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err).toMatchObject({ code: 'TIMEOUT', phase: 'receive', timeoutMs: 50 });
    await conn.send('go');
    expect(String(await conn.receive({ timeoutMs: 10_000 }))).toBe('late reply');
  });

  it('receive() rejects with ABORTED when its signal fires', async () => {
    const { port } = await echoServer();
    const conn = await client(port);
    const ac = new AbortController();
    const p = conn.receive({ signal: ac.signal });
    ac.abort(new Error('stop'));
    const err = await p.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortedError);
    expect((err as AbortedError).cause).toEqual(new Error('stop'));
    expect(String(await conn.request('still usable'))).toBe('still usable');
  });

  it('a connect signal aborts connecting and, later, the connection', async () => {
    const { port } = await echoServer();
    const pre = new AbortController();
    pre.abort();
    await expect(connect({ host: '127.0.0.1', port, signal: pre.signal })).rejects.toBeInstanceOf(
      AbortedError,
    );
    const ac = new AbortController();
    const conn = await client(port, { signal: ac.signal });
    const pending = conn.receive();
    ac.abort();
    await expect(pending).rejects.toBeInstanceOf(AbortedError);
    await conn.closedPromise;
    expect(conn.closed).toBe(true);
  });

  it('connect rejects with CONNECTION_CLOSED (cause ECONNREFUSED) when nobody listens', async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const { port } = probe.address() as net.AddressInfo;
    await new Promise((r) => probe.close(r));
    const err = await connect({ host: '127.0.0.1', port }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionClosedError);
    expect((err as Error & { cause: { code: string } }).cause.code).toBe('ECONNREFUSED');
  });

  it('rejects unknown option keys with a TypeError', async () => {
    expect(() => connect({ port: 1, hots: 'x' } as never)).toThrow(TypeError);
    expect(() => createServer({ onConnect: () => {} } as never)).toThrow(TypeError);
    expect(() => createServer().listen({ port: 0, hots: 'x' } as never)).toThrow(TypeError);
    expect(() => createServer().close({ gracefull: true } as never)).toThrow(TypeError);
  });

  it('rejects bad option values with INVALID_OPTION naming the option', async () => {
    expect(() => connect({ port: 70_000 })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION', option: 'port' }),
    );
    expect(() => connect({ port: 1, timeoutMs: -1 })).toThrow(
      expect.objectContaining({ option: 'timeoutMs' }),
    );
    expect(() => connect({ port: 1, codec: {} as never })).toThrow(
      expect.objectContaining({ option: 'codec' }),
    );
    expect(() => createServer({ maxConnections: 0 })).toThrow(
      expect.objectContaining({ option: 'maxConnections' }),
    );
    expect(() => createServer({ highWaterMark: 1.5 })).toThrow(
      expect.objectContaining({ option: 'highWaterMark' }),
    );
  });

  it('listen() rejects with the system error when the port is taken', async () => {
    const { port } = await echoServer();
    const other = createServer();
    defer(() => other.close({ graceful: false }));
    await expect(other.listen(port, '127.0.0.1')).rejects.toMatchObject({ code: 'EADDRINUSE' });
    expect(other.listening).toBe(false);
  });

  it('works over a unix socket in a temp dir', async () => {
    const dir = tempDir();
    const path = join(dir, 'echo.sock');
    const server = createServer({
      codec: new FixedLengthCodec(4),
      async onConnection(conn) {
        for await (const m of conn.messages()) void conn.send(m);
      },
    });
    defer(() => server.close({ graceful: false }));
    expect(await server.listen({ path })).toBe(path);
    const conn = await connect({ path, codec: new FixedLengthCodec(4) });
    defer(() => conn.destroy());
    expect(String(await conn.request('abcd'))).toBe('abcd');
    await conn.close();
    await server.close();
    expect(server.listening).toBe(false);
  });

  it('coalesces frames sent in the same tick into few writes', async () => {
    let chunks = 0;
    let bytes = 0;
    const raw = net.createServer((s) => {
      s.on('data', (d: Buffer) => {
        chunks++;
        bytes += d.length;
      });
    });
    const port = await listenRaw(raw);
    const conn = await client(port);
    const sends: Promise<void>[] = [];
    for (let i = 0; i < 2000; i++) sends.push(conn.send('0123456789abcdef'));
    await Promise.all(sends);
    await until(() => bytes === 2000 * 20);
    expect(chunks).toBeLessThan(20);
    conn.destroy();
  });

  it('send() waits while the peer does not read (backpressure), then completes', async () => {
    let peer!: net.Socket;
    const raw = net.createServer((s) => {
      peer = s;
      s.pause();
    });
    const port = await listenRaw(raw);
    const conn = await client(port);
    const big = Buffer.alloc(1024 * 1024, 1);
    let done = 0;
    const sends: Promise<void>[] = [];
    for (let i = 0; i < 64; i++) {
      sends.push(conn.send(big).then(() => void done++));
      await new Promise((r) => setImmediate(r));
    }
    await until(() => peer !== undefined);
    await new Promise((r) => setTimeout(r, 100));
    // 64 MiB cannot fit in loopback socket buffers: some sends must still be waiting.
    expect(done).toBeLessThan(64);
    let received = 0;
    peer.on('data', (d: Buffer) => {
      received += d.length;
    });
    peer.resume();
    await Promise.all(sends);
    expect(done).toBe(64);
    await until(() => received === 64 * (1024 * 1024 + 4));
    peer.destroy();
  });

  it('wrapSocket frames an existing socket', async () => {
    const codec = new DelimitedCodec('\n');
    const raw = net.createServer({ allowHalfOpen: true }, async (s) => {
      const conn = wrapSocket(s, { codec });
      for await (const m of conn.messages()) void conn.send(Buffer.from(String(m).toUpperCase()));
      await conn.close();
    });
    const port = await listenRaw(raw);
    const conn = await client(port, { codec });
    expect(String(await conn.request('shout'))).toBe('SHOUT');
    await conn.close();
  });

  it('readers waiting before a read take its first messages; the rest queue in order, then the next read', async () => {
    const codec = new LengthPrefixedCodec();
    let peer!: net.Socket;
    const raw = net.createServer((s) => {
      peer = s;
    });
    const port = await listenRaw(raw);
    const conn = await client(port, { codec });
    await until(() => peer !== undefined);
    const waiting = [conn.receive(), conn.receive()];
    const first = Array.from({ length: 7 }, (_, i) => `a${i}`);
    const second = Array.from({ length: 5 }, (_, i) => `b${i}`);
    // One write of 7 frames: two go to the waiting readers, five are queued from that read.
    peer.write(codec.encodeAll(first));
    expect((await Promise.all(waiting)).map(String)).toEqual(['a0', 'a1']);
    expect(String(await conn.receive())).toBe('a2');
    peer.write(codec.encodeAll(second));
    const got: string[] = [];
    for await (const m of conn.messages()) {
      got.push(String(m));
      if (got.length === 9) break;
    }
    expect(got).toEqual([...first.slice(3), ...second]);
  });

  it('batches() yields the same messages as messages(), in order, however the bytes arrive', async () => {
    const codec = new LengthPrefixedCodec();
    const peers: net.Socket[] = [];
    const raw = net.createServer((s) => {
      peers.push(s);
    });
    const port = await listenRaw(raw);
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.uint8Array({ maxLength: 40 }).map((u) => Buffer.from(u)),
          { maxLength: 300 },
        ),
        fc.array(fc.integer({ min: 1, max: 500 }), { minLength: 1, maxLength: 6 }),
        async (messages, cuts) => {
          const bytes = codec.encodeAll(messages);
          const got: { flat: string[]; batches: number }[] = [];
          for (const grouped of [true, false]) {
            const conn = await client(port, { codec });
            await until(() => peers.length > 0);
            const peer = peers.shift()!;
            // Writes of the given sizes, each in its own macrotask, then end of stream.
            void (async () => {
              for (let off = 0, i = 0; off < bytes.length; i++) {
                const k = cuts[i % cuts.length]!;
                peer.write(bytes.subarray(off, off + k));
                off += k;
                await new Promise((r) => setImmediate(r));
              }
              peer.end();
            })();
            const flat: string[] = [];
            let batches = 0;
            if (grouped) {
              for await (const batch of conn.batches()) {
                expect(batch.length).toBeGreaterThan(0);
                batches++;
                for (const m of batch) flat.push(m.toString('hex'));
              }
            } else {
              for await (const m of conn.messages()) flat.push(m.toString('hex'));
            }
            got.push({ flat, batches });
            await conn.close();
          }
          expect(got[0]!.flat).toEqual(messages.map((m) => m.toString('hex')));
          expect(got[1]!.flat).toEqual(got[0]!.flat);
          expect(got[0]!.batches).toBeLessThanOrEqual(messages.length);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('batches() after waiting readers, under highWaterMark pauses, and breaking out leaves the connection open', async () => {
    const TOTAL = 5000;
    const pad = 'x'.repeat(200);
    const { port } = await startServer({
      async onConnection(conn) {
        const first = await conn.receive();
        let last: Promise<void> | undefined;
        for (let i = 0; i < TOTAL; i++) last = conn.send(`${String(first)} ${i} ${pad}`);
        await last;
        await conn.end();
      },
    });
    const conn = await client(port, { highWaterMark: 16 });
    const key = (m: Buffer) => String(m).split(' ').slice(0, 2).join(' ');
    const waiting = conn.receive();
    await conn.send('m');
    expect(key(await waiting)).toBe('m 0');
    // About 1 MB: reading pauses with some of it queued; taking a batch resumes reading.
    await until(() => conn.socket.isPaused());
    const seen: string[] = ['m 0'];
    for await (const batch of conn.batches()) {
      for (const m of batch) seen.push(key(m));
      break;
    }
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.length).toBeLessThan(TOTAL);
    expect(key(await conn.receive())).toBe(`m ${seen.length}`);
    seen.push(`m ${seen.length}`);
    for await (const batch of conn.batches()) for (const m of batch) seen.push(key(m));
    expect(seen).toEqual(Array.from({ length: TOTAL }, (_, i) => `m ${i}`));
    await expect(conn.batches().next()).resolves.toEqual({ value: undefined, done: true });
  });

  it('batches() throws UNEXPECTED_EOF, after the whole messages, when the peer closes mid-frame', async () => {
    const codec = new LengthPrefixedCodec();
    const raw = net.createServer((s) => {
      s.end(Buffer.concat([codec.encodeAll(['a', 'bc']), codec.encode('cut').subarray(0, 5)]));
    });
    const port = await listenRaw(raw);
    const conn = await client(port, { codec });
    const got: string[] = [];
    const err = await (async () => {
      for await (const batch of conn.batches()) for (const m of batch) got.push(String(m));
    })().catch((e: unknown) => e);
    expect(got).toEqual(['a', 'bc']);
    expect(err).toMatchObject({ code: 'UNEXPECTED_EOF' });
  });

  it('counts bytes and frames both ways', async () => {
    const { port } = await echoServer();
    const conn: FramedConnection = await client(port);
    await conn.request('12345');
    expect(conn.stats).toMatchObject({ bytesWritten: 9, bytesRead: 9, framesSent: 1, framesReceived: 1 });
    expect(conn.remoteAddress).toBe('127.0.0.1');
  });

  it('after close() sends reject with CONNECTION_CLOSED', async () => {
    const { port } = await echoServer();
    const conn = await client(port);
    await conn.close();
    await expect(conn.send('x')).rejects.toBeInstanceOf(ConnectionClosedError);
    await expect(conn.receive()).rejects.toBeInstanceOf(ConnectionClosedError);
  });

  it('a peer reset rejects a pending receive with CONNECTION_CLOSED (cause ECONNRESET)', async () => {
    let peer!: net.Socket;
    const raw = net.createServer((s) => {
      peer = s;
    });
    const port = await listenRaw(raw);
    const conn = await client(port);
    await until(() => peer !== undefined);
    const pending = conn.receive();
    peer.resetAndDestroy();
    const err = await pending.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionClosedError);
    expect((err as Error & { cause: { code: string } }).cause.code).toBe('ECONNRESET');
    await conn.closedPromise;
  });
});
