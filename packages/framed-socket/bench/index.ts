import { execFileSync } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { runSuite } from '@cb-tools/bench';
import * as lp from 'it-length-prefixed';
import type { Uint8ArrayList } from 'uint8arraylist';
import { connect, createServer, LengthPrefixedCodec } from '../src/index.js';

// Echo round trips on loopback with a 4-byte big-endian length prefix. Every peer runs a server and
// a client, keeps at most WINDOW frames (about 256 KiB) in flight, and is timed from the first send
// to the last echo (connection set-up excluded). python3 runs alongside and times itself.

const codec = new LengthPrefixedCodec();
const PY = fileURLToPath(new URL('./python-echo.py', import.meta.url));

interface Case {
  size: number;
  n: number;
  window: number;
}

/** Frames sent and echoes counted so far, and the sender parked until the window has room again. */
interface Progress {
  sent: number;
  received: number;
  wake: (() => void) | null;
}

function windowFor(size: number): number {
  return Math.max(2, Math.floor((256 * 1024) / (size + 4)));
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)),
  );
}

function dial(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port, noDelay: true }, () => resolve(s));
    s.once('error', reject);
  });
}

/** Sends bursts keeping at most `window` frames in flight; `burst(k)` sends k frames. */
async function pace(
  c: Case,
  burst: (k: number) => Promise<void> | void,
  progress: Progress,
  done: Promise<void>,
): Promise<void> {
  let sent = 0;
  while (sent < c.n) {
    const inFlight = sent - progress.received;
    if (inFlight > c.window / 2) {
      await new Promise<void>((r) => {
        progress.wake = r;
      });
      continue;
    }
    const k = Math.min(c.window - inFlight, c.n - sent);
    sent += k;
    progress.sent = sent;
    await burst(k);
  }
  await done;
}

// Called once per echo by every Node peer: plain fields, no closure allocated per call.
function notify(progress: Progress, window: number) {
  if (progress.wake && progress.sent - progress.received <= window / 2) {
    const w = progress.wake;
    progress.wake = null;
    w();
  }
}

async function framedSocket(c: Case): Promise<number> {
  const server = createServer({
    codec,
    async onConnection(conn) {
      for await (const m of conn.messages()) void conn.send(m);
    },
  });
  const addr = (await server.listen(0, '127.0.0.1')) as net.AddressInfo;
  const conn = await connect({ host: '127.0.0.1', port: addr.port, codec });
  const msg = Buffer.alloc(c.size, 120);
  const progress: Progress = { sent: 0, received: 0, wake: null };
  const t0 = performance.now();
  const reader = (async () => {
    for await (const m of conn.messages()) {
      if (m.length !== c.size) throw new Error('bad echo');
      progress.received++;
      if (progress.received === c.n) break;
      notify(progress, c.window);
    }
  })();
  await pace(
    c,
    (k) => {
      // Flow control is the window, as for every other peer; the send promises are not awaited
      // (awaiting each burst's write would add a kernel round trip per burst only for this peer).
      for (let i = 0; i < k; i++) void conn.send(msg);
    },
    progress,
    reader,
  );
  const seconds = (performance.now() - t0) / 1000;
  await conn.close();
  await server.close();
  return seconds;
}

/** Node `net`, one write() per frame on both sides, a hand-written decoder. */
async function writePerFrame(c: Case): Promise<number> {
  const parse = (onFrame: (body: Buffer) => void) => {
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
  };
  const frameOf = (body: Buffer) => {
    const h = Buffer.allocUnsafe(4);
    h.writeUInt32BE(body.length);
    return Buffer.concat([h, body]);
  };
  const server = net.createServer({ noDelay: true }, (s) => {
    s.on(
      'data',
      parse((body) => s.write(frameOf(body))),
    );
  });
  const port = await listen(server);
  const sock = await dial(port);
  const msg = Buffer.alloc(c.size, 120);
  const progress: Progress = { sent: 0, received: 0, wake: null };
  let finish!: () => void;
  const done = new Promise<void>((r) => {
    finish = r;
  });
  sock.on(
    'data',
    parse(() => {
      progress.received++;
      if (progress.received === c.n) finish();
      else notify(progress, c.window);
    }),
  );
  const t0 = performance.now();
  await pace(
    c,
    (k) => {
      for (let i = 0; i < k; i++) sock.write(frameOf(msg));
    },
    progress,
    done,
  );
  const seconds = (performance.now() - t0) / 1000;
  sock.destroy();
  await new Promise((r) => server.close(r));
  return seconds;
}

const fourBytes = Object.assign(
  (value: number) => {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, value);
    return b;
  },
  { bytes: 4 },
);
const readFourBytes = Object.assign((data: Uint8ArrayList) => data.getUint32(0), { bytes: 4 });

/** it-length-prefixed's streaming decoder over the socket, encode.single per frame. */
async function itLengthPrefixed(c: Case): Promise<number> {
  const server = net.createServer({ noDelay: true }, async (s) => {
    try {
      for await (const m of lp.decode(s as AsyncIterable<Uint8Array>, { lengthDecoder: readFourBytes })) {
        s.write(lp.encode.single(m, { lengthEncoder: fourBytes }).subarray());
      }
    } catch {
      s.destroy();
    }
  });
  const port = await listen(server);
  const sock = await dial(port);
  const msg = Buffer.alloc(c.size, 120);
  const progress: Progress = { sent: 0, received: 0, wake: null };
  const t0 = performance.now();
  const reader = (async () => {
    for await (const m of lp.decode(sock as AsyncIterable<Uint8Array>, { lengthDecoder: readFourBytes })) {
      if (m.byteLength !== c.size) throw new Error('bad echo');
      progress.received++;
      if (progress.received === c.n) break;
      notify(progress, c.window);
    }
  })();
  await pace(
    c,
    (k) => {
      for (let i = 0; i < k; i++) sock.write(lp.encode.single(msg, { lengthEncoder: fourBytes }).subarray());
    },
    progress,
    reader,
  );
  const seconds = (performance.now() - t0) / 1000;
  sock.destroy();
  await new Promise((r) => server.close(r));
  return seconds;
}

/** Unframed bytes: the server pipes the socket into itself; the client counts bytes. */
async function rawPipe(c: Case): Promise<number> {
  const server = net.createServer({ noDelay: true }, (s) => s.pipe(s));
  const port = await listen(server);
  const sock = await dial(port);
  const msg = Buffer.alloc(c.size + 4, 120);
  const progress: Progress = { sent: 0, received: 0, wake: null };
  let bytes = 0;
  const total = c.n * msg.length;
  let finish!: () => void;
  const done = new Promise<void>((r) => {
    finish = r;
  });
  sock.on('data', (d: Buffer) => {
    bytes += d.length;
    progress.received = Math.floor(bytes / msg.length);
    if (bytes === total) finish();
    else notify(progress, c.window);
  });
  const t0 = performance.now();
  await pace(
    c,
    (k) => {
      for (let i = 0; i < k; i++) sock.write(msg);
    },
    progress,
    done,
  );
  const seconds = (performance.now() - t0) / 1000;
  sock.destroy();
  await new Promise((r) => server.close(r));
  return seconds;
}

function python(c: Case, mode: 'batched' | 'per-frame'): number {
  const out = execFileSync('python3', [PY, String(c.size), String(c.n), String(c.window), mode], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  return Number(out.trim());
}

function scenario(name: string, size: number, nFull: number, nQuick: number, extra: boolean) {
  const make = (quick: boolean): Case => ({ size, n: quick ? nQuick : nFull, window: windowFor(size) });
  const bytesMode = size >= 64 * 1024;
  const sample = (c: Case, seconds: number) => ({
    work: bytesMode ? (c.n * size) / 1e6 : c.n,
    seconds,
  });
  const peers: Record<string, (ctx: { quick: boolean }) => Promise<{ work: number; seconds: number }>> = {
    '@cb/framed-socket': async ({ quick }) => sample(make(quick), await framedSocket(make(quick))),
    'net, write per frame': async ({ quick }) => sample(make(quick), await writePerFrame(make(quick))),
    'it-length-prefixed': async ({ quick }) => sample(make(quick), await itLengthPrefixed(make(quick))),
    'python3 batched': async ({ quick }) => sample(make(quick), python(make(quick), 'batched')),
    'python3 sendall per frame': async ({ quick }) => sample(make(quick), python(make(quick), 'per-frame')),
  };
  if (extra)
    peers['net raw pipe (unframed)'] = async ({ quick }) => sample(make(quick), await rawPipe(make(quick)));
  return {
    name,
    unit: bytesMode ? 'MB/s' : 'msgs/s',
    baseline: '@cb/framed-socket',
    compare: extra
      ? ['net raw pipe (unframed)', 'it-length-prefixed', 'python3 batched']
      : ['python3 batched', 'python3 sendall per frame', 'it-length-prefixed'],
    // Loopback figures swing between runs on a shared machine (64 KiB ones most): 9 rounds after
    // 2 warm-ups give steadier medians.
    rounds: 9,
    warmup: 2,
    peers,
  };
}

await runSuite({
  title: '@cb/framed-socket: TCP echo round trips on loopback, 4-byte length prefix',
  scenarios: [
    scenario('16 B frames', 16, 300_000, 20_000, false),
    scenario('1 KiB frames', 1024, 100_000, 10_000, false),
    scenario('64 KiB frames', 64 * 1024, 8_000, 500, true),
  ],
});
