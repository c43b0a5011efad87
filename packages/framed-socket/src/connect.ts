import net from 'node:net';
import tls from 'node:tls';
import type { Codec } from './codecs/codec.js';
import { directReaderFor } from './codecs/direct-reader.js';
import { LengthPrefixedCodec } from './codecs/length-prefixed.js';
import { type ConnectionSettings, FramedConnection, ReadSink, wrapSocketError } from './connection.js';
import { AbortedError, InvalidOptionError, TimeoutError } from './errors.js';
import { checkKeys, flagOption, intOption, timeoutOption } from './options.js';

/** Options shared by clients and server connections. */
export interface FramingOptions {
  /** The framing format. @default new LengthPrefixedCodec() (4-byte big-endian length) */
  codec?: Codec;
  /**
   * Messages decoded but not yet taken by `receive()`/`messages()` before reading from the socket
   * pauses (backpressure towards the peer).
   * @default 1024
   */
  highWaterMark?: number;
}

/** Options of {@link connect}. */
export interface ConnectOptions extends FramingOptions {
  /** Host to connect to. @default 'localhost' */
  host?: string;
  /** TCP port (required unless `path` is given). */
  port?: number;
  /** Path of a unix domain socket (or a Windows named pipe) instead of host and port. */
  path?: string;
  /** Wrap the connection in TLS: `true` for defaults, or `tls.connect` options. @default undefined */
  tls?: boolean | tls.ConnectionOptions;
  /** Reject with {@link TimeoutError} (phase `'connect'`) when not connected in time. @default none */
  timeoutMs?: number;
  /** Destroy the connection when idle (nothing read or written) this long. @default none */
  idleTimeoutMs?: number;
  /**
   * Aborts connecting (rejects with {@link AbortedError}); once connected, aborting destroys the
   * connection and pending operations reject with {@link AbortedError}.
   */
  signal?: AbortSignal;
  /** Disable Nagle's algorithm (sends coalesce per tick already). @default true */
  noDelay?: boolean;
  /**
   * With a length-carrying codec (`LengthPrefixedCodec`, `VarintLengthCodec`, `FixedLengthCodec`)
   * over plain TCP or a unix socket, let the kernel read each body straight into the buffer of
   * the message it belongs to (Node's `onread` socket option) instead of into Node's read chunks
   * followed by a copy. Messages are the same either way; `false` keeps Node's default reads.
   * Ignored for TLS and other codecs.
   * @default true
   */
  zeroCopyReads?: boolean;
}

const CONNECT_KEYS = new Set([
  'host',
  'port',
  'path',
  'tls',
  'codec',
  'timeoutMs',
  'idleTimeoutMs',
  'signal',
  'noDelay',
  'highWaterMark',
  'zeroCopyReads',
]);

let defaultCodec: Codec | undefined;
/** The shared default codec (4-byte big-endian length prefix, 16 MiB limit). */
export function defaultFraming(): Codec {
  defaultCodec ??= new LengthPrefixedCodec();
  return defaultCodec;
}

/** Validates a codec option. */
export function codecOption(value: unknown): Codec {
  if (value === undefined) return defaultFraming();
  const c = value as Codec;
  if (
    c === null ||
    typeof c !== 'object' ||
    typeof c.createDecoder !== 'function' ||
    typeof c.writeHeader !== 'function'
  ) {
    throw new InvalidOptionError('codec', 'must be a codec such as new LengthPrefixedCodec()');
  }
  return c;
}

/**
 * A sink for reads straight into message buffers, when the codec allows it; null means the socket
 * reads the default way.
 */
export function readSinkFor(codec: Codec): ReadSink | null {
  const reader = directReaderFor(codec);
  return reader ? new ReadSink(reader) : null;
}

/** Validates the options every connection is built from (client, server or wrapped socket). */
export function connectionSettings(
  options: FramingOptions & { idleTimeoutMs?: number | undefined },
  signal: AbortSignal | undefined,
): ConnectionSettings {
  return {
    codec: codecOption(options.codec),
    idleTimeoutMs: timeoutOption('idleTimeoutMs', options.idleTimeoutMs),
    highWaterMark: intOption('highWaterMark', options.highWaterMark ?? 1024, 1),
    signal,
  };
}

/**
 * Opens a framed client connection; resolves once connected (and, with `tls`, once the handshake
 * is done).
 *
 * @example
 * const conn = await connect({ host: '127.0.0.1', port: 9000, codec: new LengthPrefixedCodec() });
 * const reply = await conn.request('ping');
 * await conn.close();
 */
export function connect(options: ConnectOptions): Promise<FramedConnection> {
  checkKeys('connect', options, CONNECT_KEYS);
  const { path, signal } = options;
  const settings = connectionSettings(options, signal);
  const timeoutMs = timeoutOption('timeoutMs', options.timeoutMs);
  const zeroCopyReads = flagOption('zeroCopyReads', options.zeroCopyReads);
  if (path === undefined) intOption('port', options.port, 1, 65535);
  else if (typeof path !== 'string' || path === '') {
    throw new InvalidOptionError('path', 'must be a non-empty string');
  }
  if (signal?.aborted) return Promise.reject(new AbortedError(signal.reason));
  const host = options.host ?? 'localhost';
  return new Promise<FramedConnection>((resolve, reject) => {
    let socket: net.Socket;
    let sink: ReadSink | null = null;
    const base = path !== undefined ? { path } : { host, port: options.port! };
    const useTls = options.tls !== undefined && options.tls !== false;
    if (useTls) {
      const extra = options.tls === true ? {} : (options.tls as tls.ConnectionOptions);
      const servername = path === undefined && !net.isIP(host) ? host : undefined;
      // tls.connect honours allowHalfOpen (needed for end()) though @types/node does not list it.
      const tlsOptions: tls.ConnectionOptions & { allowHalfOpen: boolean } = {
        ...(servername ? { servername } : {}),
        ...extra,
        ...base,
        allowHalfOpen: true,
      };
      socket = tls.connect(tlsOptions);
    } else {
      sink = zeroCopyReads ? readSinkFor(settings.codec) : null;
      socket = net.connect({ ...base, allowHalfOpen: true, ...(sink ? { onread: sink.onread } : {}) });
    }
    let timer: NodeJS.Timeout | undefined;
    const cleanup = (): void => {
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.off('error', onError);
      socket.off(useTls ? 'secureConnect' : 'connect', onConnect);
    };
    const onError = (err: Error): void => {
      cleanup();
      socket.destroy();
      reject(wrapSocketError(err));
    };
    const onAbort = (): void => {
      cleanup();
      socket.destroy();
      reject(new AbortedError(signal!.reason));
    };
    const onConnect = (): void => {
      cleanup();
      if (options.noDelay ?? true) socket.setNoDelay(true);
      resolve(new FramedConnection(socket, settings, sink));
    };
    socket.once('error', onError);
    socket.once(useTls ? 'secureConnect' : 'connect', onConnect);
    signal?.addEventListener('abort', onAbort, { once: true });
    if (timeoutMs > 0) {
      timer = setTimeout(() => {
        cleanup();
        socket.destroy();
        reject(new TimeoutError('connect', timeoutMs));
      }, timeoutMs);
    }
  });
}

/** Options of {@link wrapSocket}. */
export interface WrapOptions extends FramingOptions {
  /** Destroy the connection when idle this long. @default none */
  idleTimeoutMs?: number;
  /** Destroy the connection when this signal fires. */
  signal?: AbortSignal;
}

const WRAP_KEYS = new Set(['codec', 'idleTimeoutMs', 'signal', 'highWaterMark']);

/**
 * Frames an already connected socket (any `net.Socket`, e.g. from `net.createServer` or a
 * `socketpair`-like duplex). Create it with `allowHalfOpen: true` to use `end()` for half-close.
 *
 * @example
 * net.createServer({ allowHalfOpen: true }, (sock) => echo(wrapSocket(sock, { codec })));
 */
export function wrapSocket(socket: net.Socket, options: WrapOptions = {}): FramedConnection {
  checkKeys('wrapSocket', options, WRAP_KEYS);
  return new FramedConnection(socket, connectionSettings(options, options.signal));
}
