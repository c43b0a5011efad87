import net from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { directReaderFor } from '../src/codecs/direct-reader.js';
import { FramedConnection as Connection, ReadSink } from '../src/connection.js';
import {
  type Codec,
  ConnectionClosedError,
  connect,
  createServer,
  type FramedConnection,
  FrameTooLargeError,
  LengthPrefixedCodec,
  UnexpectedEofError,
  VarintLengthCodec,
} from '../src/index.js';
import { adoptAccepted } from '../src/server.js';
import { defer, listenRaw, startServer, until } from './helpers.js';

/** An echo server that records, per connection, whether it kept the socket Node accepted. */
async function echo(codec: Codec, zeroCopyReads: boolean) {
  const kept: boolean[] = [];
  const accepted: net.Socket[] = [];
  const { server, port } = await startServer({
    codec,
    zeroCopyReads,
    async onConnection(conn) {
      kept.push(accepted.includes(conn.socket));
      for await (const m of conn.messages()) void conn.send(m);
    },
  });
  server.server.prependListener('connection', (s: net.Socket) => accepted.push(s));
  return { server, port, kept };
}

async function roundTrip(conn: FramedConnection, messages: Buffer[]): Promise<Buffer[]> {
  const sent = Promise.all(messages.map((m) => conn.send(m)));
  const got: Buffer[] = [];
  for await (const m of conn.messages()) {
    got.push(m);
    if (got.length === messages.length) break;
  }
  await sent;
  return got;
}

/**
 * A raw server that keeps every byte it is sent: `take(length)` waits until `length` bytes have
 * arrived and returns them all; `reset()` forgets what arrived so far.
 */
async function byteRecorder() {
  let received: Buffer[] = [];
  let bytes = 0;
  const port = await listenRaw(
    net.createServer((s) =>
      s.on('data', (d: Buffer) => {
        received.push(d);
        bytes += d.length;
      }),
    ),
  );
  return {
    port,
    reset(): void {
      received = [];
      bytes = 0;
    },
    async take(length: number): Promise<Buffer> {
      await until(() => bytes >= length);
      return Buffer.concat(received);
    },
  };
}

const sizes = [0, 1, 16, 1000, 16 * 1024, 64 * 1024, 64 * 1024 + 4, 200_000, 1024 * 1024 + 1, 1_500_000];

describe('zero-copy reads', () => {
  describe.each([
    ['length-prefixed', new LengthPrefixedCodec()],
    ['varint', new VarintLengthCodec()],
  ])('%s framing', (_name, codec) => {
    it.each([
      [true, true],
      [true, false],
      [false, true],
      [false, false],
    ])(
      'client zeroCopyReads=%s, server zeroCopyReads=%s: every size echoes intact',
      async (client, server) => {
        const { port, kept } = await echo(codec, server);
        const conn = await connect({ host: '127.0.0.1', port, codec, zeroCopyReads: client });
        defer(() => conn.destroy());
        // Twice over, in a different order, so that the size predicted for each read is often wrong.
        const messages = [...sizes, ...[...sizes].reverse()].map((n, i) => Buffer.alloc(n, i + 1));
        const got = await roundTrip(conn, messages);
        expect(got.map((m) => m.length)).toEqual(messages.map((m) => m.length));
        expect(got.every((m, i) => m.equals(messages[i]!))).toBe(true);
        expect(conn.stats.framesReceived).toBe(messages.length);
        // The server kept Node's socket only when it was told to read the default way.
        expect(kept).toEqual([!server]);
        await conn.close();
      },
    );
  });

  it('a server whose accepted socket was already set flowing by another listener reads the default way', async () => {
    const { server, port, kept } = await echo(new LengthPrefixedCodec(), true);
    server.server.prependListener('connection', (s: net.Socket) => s.resume());
    const conn = await connect({ host: '127.0.0.1', port });
    defer(() => conn.destroy());
    const messages = sizes.map((n) => Buffer.alloc(n, 5));
    const got = await roundTrip(conn, messages);
    expect(got.every((m, i) => m.equals(messages[i]!))).toBe(true);
    expect(kept).toEqual([true]);
    await conn.close();
  });

  it('when the accepted socket does not look as expected, the server resumes it and reads the default way', async () => {
    const { server, port, kept } = await echo(new LengthPrefixedCodec(), true);
    // Stands in for a Node whose stream handles differ from the ones the re-wrap was checked on.
    server.server.prependListener('connection', (s: net.Socket) => {
      const handle = (s as unknown as { _handle: object })._handle;
      Object.defineProperty(handle, 'useUserBuffer', { value: undefined });
    });
    const conn = await connect({ host: '127.0.0.1', port });
    defer(() => conn.destroy());
    const messages = sizes.map((n) => Buffer.alloc(n, 6));
    const got = await roundTrip(conn, messages);
    expect(got.every((m, i) => m.equals(messages[i]!))).toBe(true);
    expect(kept).toEqual([true]);
    await conn.close();
  });

  it('adoptAccepted declines sockets it cannot take over safely', async () => {
    const sink = new ReadSink(directReaderFor(new LengthPrefixedCodec())!);
    const flowing: net.Socket[] = [];
    const port = await listenRaw(net.createServer((s) => flowing.push(s)));
    const c = net.connect({ host: '127.0.0.1', port });
    defer(() => c.destroy());
    await new Promise((r) => c.once('connect', r));
    await new Promise((r) => setTimeout(r, 20));
    const s = flowing[0]!;
    // Accepted without pauseOnConnect: it is already reading.
    expect(adoptAccepted(s, sink)).toBeNull();
    s.destroy();
    expect(adoptAccepted(s, sink)).toBeNull();
    expect(adoptAccepted(new net.Socket(), sink)).toBeNull();
  });

  it('a graceful server close waits for adopted connections and leaves none behind', async () => {
    const { server, port, kept } = await echo(new LengthPrefixedCodec(), true);
    const conn = await connect({ host: '127.0.0.1', port });
    expect(String(await conn.request('hello'))).toBe('hello');
    const closing = server.close();
    let done = false;
    void closing.then(() => {
      done = true;
    });
    await new Promise((r) => setTimeout(r, 30));
    expect(done).toBe(false);
    await conn.close();
    await closing;
    expect(kept).toEqual([false]);
    expect(server.connections.size).toBe(0);
    const count = await new Promise<number>((r) => server.server.getConnections((_e, n) => r(n)));
    expect(count).toBe(0);
  });

  it.each([true, false])(
    'a client (zeroCopyReads=%s) reports UNEXPECTED_EOF with the bytes of the frame that arrived',
    async (zeroCopyReads) => {
      const codec = new LengthPrefixedCodec();
      const port = await listenRaw(
        net.createServer((s) => {
          const whole = codec.encode(Buffer.alloc(100_000, 1));
          s.end(Buffer.concat([codec.encode('first'), whole.subarray(0, 70_000)]));
        }),
      );
      const conn = await connect({ host: '127.0.0.1', port, zeroCopyReads });
      defer(() => conn.destroy());
      expect(String(await conn.receive())).toBe('first');
      const err = await conn.receive().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UnexpectedEofError);
      expect(err).toMatchObject({
        code: 'UNEXPECTED_EOF',
        frameIndex: 1,
        bytesReceived: 70_000,
        expectedBytes: 100_004,
      });
    },
  );

  it('a read that arrives before the connection binds is decoded and handed over on bind', () => {
    const codec = new LengthPrefixedCodec();
    const sink = new ReadSink(directReaderFor(codec)!);
    const target = sink.onread.buffer();
    const n = codec.encodeAll(['a', 'bc']).copy(target);
    expect(sink.onread.callback(n, target)).toBe(true);
    const early = sink.bind(() => true);
    expect(early).toHaveLength(1);
    expect(early[0]!.error).toBeNull();
    expect(early[0]!.messages.map(String)).toEqual(['a', 'bc']);
  });

  it('a read reported in a buffer other than the one handed out fails the connection instead of being decoded', async () => {
    const codec = new LengthPrefixedCodec();
    const sink = new ReadSink(directReaderFor(codec)!);
    const settings = { codec, idleTimeoutMs: 0, highWaterMark: 1024, signal: undefined };
    const conn = new Connection(new net.Socket(), settings, sink);
    const stray = Buffer.from(codec.encode('x'));
    sink.onread.callback(stray.length, stray);
    await expect(conn.receive()).rejects.toBeInstanceOf(ConnectionClosedError);
    expect(conn.stats.framesReceived).toBe(0);
  });

  it('a framing error in a read decoded before binding ends the connection once bound', async () => {
    const codec = new LengthPrefixedCodec({ maxLength: 10 });
    const sink = new ReadSink(directReaderFor(codec)!);
    const target = sink.onread.buffer();
    const n = Buffer.concat([codec.encode('ok'), Buffer.from([0, 0, 0, 99])]).copy(target);
    sink.onread.callback(n, target);
    const settings = { codec, idleTimeoutMs: 0, highWaterMark: 1024, signal: undefined };
    const conn = new Connection(new net.Socket(), settings, sink);
    expect(String(await conn.receive())).toBe('ok');
    await expect(conn.receive()).rejects.toMatchObject({ code: 'FRAME_TOO_LARGE', length: 99 });
  });

  it('rejects a non-boolean zeroCopyReads', () => {
    expect(() => createServer({ zeroCopyReads: 'yes' as unknown as boolean })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION', option: 'zeroCopyReads' }),
    );
  });

  it.each([
    ['4-byte big-endian (headers written inline)', new LengthPrefixedCodec({ maxLength: 100_000 })],
    ['2-byte little-endian', new LengthPrefixedCodec({ lengthBytes: 2, endian: 'little' })],
    [
      '4-byte, length includes header',
      new LengthPrefixedCodec({ lengthIncludesHeader: true, maxLength: 100_000 }),
    ],
    ['varint', new VarintLengthCodec({ maxLength: 100_000 })],
    ['4-byte big-endian, maxLength 20 (inline up to maxLength)', new LengthPrefixedCodec({ maxLength: 20 })],
  ])('%s: a connection writes exactly what codec.encodeAll writes', async (_name, codec) => {
    const recorder = await byteRecorder();
    const conn = await connect({ host: '127.0.0.1', port: recorder.port, codec });
    defer(() => conn.destroy());
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.nat({ max: Math.min(300, codec.maxLength) }),
            ...(codec.maxLength > 300
              ? [
                  fc.integer({ min: 300, max: 16 * 1024 - 1 }),
                  fc.integer({ min: 16 * 1024, max: Math.min(70_000, codec.maxLength) }),
                ]
              : []),
          ),
          {
            maxLength: 12,
          },
        ),
        async (sizes) => {
          // Buffers, plain Uint8Arrays and strings: every kind of message send() takes.
          const messages = sizes.map((n, i) =>
            i % 3 === 0
              ? Buffer.alloc(n, i + 1)
              : i % 3 === 1
                ? new Uint8Array(n).fill(i + 1)
                : 'x'.repeat(n),
          );
          recorder.reset();
          const expected = codec.encodeAll(messages);
          await Promise.all(messages.map((m) => conn.send(m)));
          expect((await recorder.take(expected.length)).equals(expected)).toBe(true);
        },
      ),
      { numRuns: 25 },
    );
    const tooLong = Buffer.alloc(codec.maxLength + 1);
    const sendError = await conn.send(tooLong).catch((e: unknown) => e);
    let encodeError: unknown;
    try {
      codec.encode(tooLong);
    } catch (e) {
      encodeError = e;
    }
    expect(sendError).toBeInstanceOf(FrameTooLargeError);
    expect(sendError).toEqual(encodeError);
  });
  it('many small frames sent in one tick fill several write buffers and leave byte-exact', async () => {
    const codec = new LengthPrefixedCodec();
    /** Sends `messages` in one tick on a fresh connection; resolves with the bytes that arrived. */
    const wire = async (messages: Buffer[], expectedLength: number): Promise<Buffer> => {
      const recorder = await byteRecorder();
      const conn = await connect({ host: '127.0.0.1', port: recorder.port, codec });
      defer(() => conn.destroy());
      let last: Promise<void> = Promise.resolve();
      for (const m of messages) last = conn.send(m);
      await last;
      return recorder.take(expectedLength);
    };
    // 3,276 frames of 16 bytes fill 65,520 bytes of a 64 KiB write buffer, leaving 16: the next
    // frame (4-byte header + body) fits exactly with a 12-byte body, is one byte short with 13.
    const sixteen = Array.from({ length: 3276 }, (_, i) => Buffer.alloc(16, i % 251));
    for (const tail of [12, 13, 16, 40]) {
      const messages = [...sixteen, Buffer.alloc(tail, 7), ...sixteen.slice(0, 100)];
      const expected = codec.encodeAll(messages);
      expect((await wire(messages, expected.length)).equals(expected)).toBe(true);
    }
    // About 740 KB in 40,000 frames of 0 to 29 bytes: buffers cut at frame boundaries anywhere.
    const messages = Array.from({ length: 40_000 }, (_, i) => Buffer.alloc((i * 7) % 30, i % 251));
    const expected = codec.encodeAll(messages);
    expect((await wire(messages, expected.length)).equals(expected)).toBe(true);
  });
});
