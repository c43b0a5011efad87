import type { AddressInfo } from 'node:net';
import {
  type Codec,
  connect,
  createServer,
  DelimitedCodec,
  FixedLengthCodec,
  type FramedServer,
  LengthPrefixedCodec,
} from '@cb/framed-socket';

/** The framings the echo programs speak. */
export type Mode = 'fixed' | 'delimited' | 'length-prefixed';

/** Every mode, in the order the demo runs them. */
export const MODES: readonly Mode[] = ['fixed', 'delimited', 'length-prefixed'];

/** Frame size of the fixed-length mode: the cookbook's `recv(16)`. */
export const FIXED_SIZE = 16;

/** The cookbook client's message. */
export const MESSAGE = 'This is the message. It will be repeated.';

/** Where the programs print their lines. */
export type Log = (line: string) => void;

/** Returns the codec of a mode (a fresh instance is fine: codecs hold no stream state). */
export function codecFor(mode: Mode): Codec {
  switch (mode) {
    case 'fixed':
      return new FixedLengthCodec(FIXED_SIZE);
    case 'delimited':
      return new DelimitedCodec('\n', { maxLength: 64 * 1024 });
    case 'length-prefixed':
      return new LengthPrefixedCodec({ maxLength: 1024 * 1024 });
  }
}

/** Checks a mode name given on the command line. */
export function parseMode(value: string): Mode {
  if ((MODES as readonly string[]).includes(value)) return value as Mode;
  throw new Error(`unknown mode ${JSON.stringify(value)} (expected one of ${MODES.join(', ')})`);
}

/** Shows a frame the way the cookbook prints received bytes, fixed-length padding removed. */
function show(bytes: Uint8Array): string {
  return JSON.stringify(Buffer.from(bytes).toString('utf8').replace(/\0+$/, ''));
}

/** A running echo server: one listener per mode. */
export interface EchoServer {
  /** The port of each mode's listener. */
  readonly ports: Readonly<Partial<Record<Mode, number>>>;
  /** Stops accepting, lets open connections finish, then resolves. */
  close(): Promise<void>;
}

/** Options of {@link startEchoServer}. */
export interface EchoServerOptions {
  /** Interface to bind. @default 'localhost' */
  host?: string;
  /** Port of the first mode's listener (the next modes take the following ports); 0 = ephemeral. @default 0 */
  port?: number;
  /** Modes to serve. @default every mode */
  modes?: readonly Mode[];
  /** Where to print. @default console.log */
  log?: Log;
  /** Cut off a client idle this long. @default 30000 */
  idleTimeoutMs?: number;
}

/**
 * The cookbook's echo server: accepts connections, prints what it receives and sends it back,
 * and reports when a client has no more data.
 */
export async function startEchoServer(options: EchoServerOptions = {}): Promise<EchoServer> {
  const host = options.host ?? 'localhost';
  const log = options.log ?? console.log;
  const modes = options.modes ?? MODES;
  const servers: FramedServer[] = [];
  const ports: Partial<Record<Mode, number>> = {};
  try {
    for (const [i, mode] of modes.entries()) {
      const server = createServer({
        codec: codecFor(mode),
        idleTimeoutMs: options.idleTimeoutMs ?? 30_000,
        async onConnection(conn) {
          const peer = `${conn.remoteAddress}:${conn.remotePort}`;
          log(`connection from ${peer} (${mode})`);
          try {
            for await (const data of conn.messages()) {
              log(`received ${show(data)}`);
              log('sending data back to the client');
              await conn.send(data);
            }
            log(`no more data from ${peer}`);
          } catch (err) {
            log(`connection from ${peer} failed: ${(err as Error).message}`);
          }
        },
      });
      servers.push(server);
      const wanted = options.port ? options.port + i : 0;
      const addr = (await server.listen(wanted, host)) as AddressInfo;
      ports[mode] = addr.port;
      log(`starting up on ${host} port ${addr.port} (${mode} framing)`);
    }
  } catch (err) {
    await Promise.all(servers.map((s) => s.close({ graceful: false })));
    throw err;
  }
  log('waiting for a connection');
  return {
    ports,
    async close() {
      await Promise.all(servers.map((s) => s.close({ graceful: true, timeoutMs: 5000 })));
    },
  };
}

/** Options of {@link runClient}. */
export interface ClientOptions {
  /** Server host. @default 'localhost' */
  host?: string;
  /** Server port of this mode's listener. */
  port: number;
  /** Framing. */
  mode: Mode;
  /** What to send. @default {@link MESSAGE} */
  message?: string;
  /** Where to print. @default console.log */
  log?: Log;
}

/**
 * The cookbook's echo client: connects, sends the message, prints what comes back until the whole
 * message has returned, then closes. Resolves with the echoed message.
 */
export async function runClient(options: ClientOptions): Promise<string> {
  const host = options.host ?? 'localhost';
  const log = options.log ?? console.log;
  const message = options.message ?? MESSAGE;
  const { mode } = options;
  log(`connecting to ${host} port ${options.port} (${mode} framing)`);
  const conn = await connect({ host, port: options.port, codec: codecFor(mode), timeoutMs: 10_000 });
  try {
    log(`sending ${JSON.stringify(message)}`);
    const bytes = Buffer.from(message, 'utf8');
    // Fixed-length framing moves the message in 16-byte frames, the last one padded with NULs.
    const frames: Buffer[] = [];
    if (mode === 'fixed') {
      for (let at = 0; at < bytes.length; at += FIXED_SIZE) {
        const frame = Buffer.alloc(FIXED_SIZE);
        bytes.copy(frame, 0, at, Math.min(at + FIXED_SIZE, bytes.length));
        frames.push(frame);
      }
    } else frames.push(bytes);
    const sent = Promise.all(frames.map((f) => conn.send(f)));
    const back: Buffer[] = [];
    let received = 0;
    while (received < bytes.length) {
      const data = await conn.receive({ timeoutMs: 10_000 });
      log(`received ${show(data)}`);
      back.push(data);
      received += data.length;
    }
    await sent;
    return Buffer.concat(back).subarray(0, bytes.length).toString('utf8');
  } finally {
    log('closing socket');
    await conn.close();
  }
}
