import net from 'node:net';
import * as lp from 'it-length-prefixed';
import type { Uint8ArrayList } from 'uint8arraylist';
import { createServer, LengthPrefixedCodec } from '../src/index.js';

// The echo servers of the Node peers. The same code runs either in a worker thread of the bench
// process (the main scenarios, see echo-worker.ts) or on the bench's main thread next to the client
// (the "one thread" scenario), so the two setups differ only in where the server runs.

/** Which Node peer's echo server to run. */
export type ServerKind =
  | 'framed-socket'
  | 'framed-socket-batches'
  | 'net-write-per-frame'
  | 'it-length-prefixed'
  | 'net-raw-pipe';

/** A listening echo server on 127.0.0.1. */
export interface EchoServer {
  port: number;
  /** Stops listening and resolves once every connection is gone. */
  close(): Promise<void>;
}

export const codec = new LengthPrefixedCodec();

/** Decodes 4-byte big-endian frames from `data` events (the plain `net` peers' hand-written decoder). */
export function parseFrames(onFrame: (body: Buffer) => void): (d: Buffer) => void {
  let pending: Buffer = Buffer.alloc(0);
  return (d: Buffer) => {
    let buf = pending.length ? Buffer.concat([pending, d]) : d;
    while (buf.length >= 4 && buf.length - 4 >= buf.readUInt32BE(0)) {
      const n = buf.readUInt32BE(0);
      onFrame(buf.subarray(4, 4 + n));
      buf = buf.subarray(4 + n);
    }
    pending = buf;
  };
}

/** One 4-byte big-endian header and the body, as one buffer. */
export function frameOf(body: Buffer): Buffer {
  const h = Buffer.allocUnsafe(4);
  h.writeUInt32BE(body.length);
  return Buffer.concat([h, body]);
}

export const fourBytes = Object.assign(
  (value: number) => {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, value);
    return b;
  },
  { bytes: 4 },
);
export const readFourBytes = Object.assign((data: Uint8ArrayList) => data.getUint32(0), { bytes: 4 });

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
  });
}

/** A plain `net` server: close() also destroys what is still open, then waits for the close. */
async function netServer(onSocket: (s: net.Socket) => void): Promise<EchoServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ noDelay: true }, (s) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
    s.on('error', () => s.destroy());
    onSocket(s);
  });
  const port = await listen(server);
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}

export async function startEchoServer(kind: ServerKind): Promise<EchoServer> {
  switch (kind) {
    case 'framed-socket': {
      const server = createServer({
        codec,
        async onConnection(conn) {
          for await (const m of conn.messages()) void conn.send(m);
        },
      });
      const addr = (await server.listen(0, '127.0.0.1')) as net.AddressInfo;
      return { port: addr.port, close: () => server.close() };
    }
    case 'framed-socket-batches': {
      // The opt-in batches(): one await per group of arrived messages instead of one per message.
      const server = createServer({
        codec,
        async onConnection(conn) {
          for await (const batch of conn.batches()) for (const m of batch) void conn.send(m);
        },
      });
      const addr = (await server.listen(0, '127.0.0.1')) as net.AddressInfo;
      return { port: addr.port, close: () => server.close() };
    }
    case 'net-write-per-frame':
      // One write() per echoed frame.
      return netServer((s) => {
        s.on(
          'data',
          parseFrames((body) => s.write(frameOf(body))),
        );
      });
    case 'it-length-prefixed':
      // it-length-prefixed's streaming decoder over the socket, encode.single per frame.
      return netServer(async (s) => {
        try {
          for await (const m of lp.decode(s as AsyncIterable<Uint8Array>, { lengthDecoder: readFourBytes })) {
            s.write(lp.encode.single(m, { lengthEncoder: fourBytes }).subarray());
          }
        } catch {
          s.destroy();
        }
      });
    case 'net-raw-pipe':
      // Unframed bytes: the socket piped into itself.
      return netServer((s) => s.pipe(s));
  }
}
