import { EventEmitter } from 'node:events';
import net from 'node:net';
import tls from 'node:tls';
import { directReaderFor } from './codecs/direct-reader.js';
import { connectionSettings, type FramingOptions, readSinkFor } from './connect.js';
import { FramedConnection, type ReadSink } from './connection.js';
import { ConnectionClosedError, FramingError, InvalidOptionError } from './errors.js';
import { checkKeys, flagOption, intOption, timeoutOption } from './options.js';

/** Options of {@link createServer}. */
export interface ServerOptions extends FramingOptions {
  /**
   * Called for each accepted connection. When the returned promise settles the server ends the
   * connection gracefully (rejection: destroys it and emits `'connectionError'`).
   */
  onConnection?: (connection: FramedConnection) => void | Promise<void>;
  /** Connections beyond this are refused (closed at once by Node). @default unlimited */
  maxConnections?: number;
  /** Destroy a connection idle (nothing read or written) this long; its reads reject with TIMEOUT. @default none */
  idleTimeoutMs?: number;
  /** Serve TLS with these `tls.createServer` options (key, cert...). @default undefined (plain TCP) */
  tls?: tls.TlsOptions;
  /** Disable Nagle's algorithm on accepted sockets. @default true */
  noDelay?: boolean;
  /**
   * With a length-carrying codec over plain TCP or a unix socket, read each body straight into
   * the buffer of its message instead of into Node's read chunks followed by a copy (see
   * `ConnectOptions.zeroCopyReads`). Node has no server option for this: each accepted socket is
   * re-wrapped as Node itself wraps accepted sockets, after checking that the internals involved
   * look as expected; when they do not, that connection reads the default way. `false` always
   * reads the default way. Ignored for TLS and other codecs.
   * @default true
   */
  zeroCopyReads?: boolean;
}

/** Where to listen, for {@link FramedServer.listen}. */
export interface ListenOptions {
  /** TCP port; 0 picks a free ephemeral port. @default 0 */
  port?: number;
  /** Interface to bind. @default Node's default (all interfaces) */
  host?: string;
  /** Unix domain socket path (instead of port and host). */
  path?: string;
  /** Pending connection queue length. @default 511 */
  backlog?: number;
}

/** Options of {@link FramedServer.close}. */
export interface ServerCloseOptions {
  /**
   * `true`: stop accepting, let open connections finish (their handlers return and peers close),
   * then resolve. `false`: destroy every connection now.
   * @default true
   */
  graceful?: boolean;
  /** With `graceful`, destroy connections still open after this long. @default none (wait) */
  timeoutMs?: number;
}

/**
 * Events of a {@link FramedServer}:
 * - `'connection'` `(conn)`: a connection was accepted (after `onConnection` was called).
 * - `'connectionError'` `(error, conn)`: a connection's handler failed or its socket errored.
 * - `'close'`: the server is closed and every connection is gone.
 */
export interface FramedServerEvents {
  connection: [connection: FramedConnection];
  connectionError: [error: Error, connection: FramedConnection];
  close: [];
}

const SERVER_KEYS = new Set([
  'codec',
  'onConnection',
  'maxConnections',
  'idleTimeoutMs',
  'tls',
  'noDelay',
  'highWaterMark',
  'zeroCopyReads',
]);
const LISTEN_KEYS = new Set(['port', 'host', 'path', 'backlog']);
const CLOSE_KEYS = new Set(['graceful', 'timeoutMs']);

/**
 * A framed TCP (or TLS, or unix socket) server. Every connection gets its own decoder, so one
 * codec serves all of them. Made by {@link createServer}.
 */
export class FramedServer extends EventEmitter<FramedServerEvents> {
  /** The underlying `net.Server` (or `tls.Server`). */
  readonly server: net.Server;
  readonly #connections = new Set<FramedConnection>();
  readonly #handlers = new Set<Promise<void>>();
  readonly #sockets = new Set<net.Socket>();
  #closing: Promise<void> | null = null;

  /** @internal Use {@link createServer}. */
  constructor(options: ServerOptions = {}) {
    super();
    checkKeys('createServer', options, SERVER_KEYS);
    const settings = connectionSettings(options, undefined);
    const onConnection = options.onConnection;
    if (onConnection !== undefined && typeof onConnection !== 'function') {
      throw new InvalidOptionError('onConnection', 'must be a function');
    }
    const noDelay = options.noDelay ?? true;
    const zeroCopy =
      flagOption('zeroCopyReads', options.zeroCopyReads) &&
      !options.tls &&
      directReaderFor(settings.codec) !== null;
    const accept = (accepted: net.Socket): void => {
      let socket = accepted;
      let sink: ReadSink | null = null;
      if (zeroCopy) {
        // The server was created with pauseOnConnect: nothing has been read from `accepted` yet.
        sink = readSinkFor(settings.codec);
        const adopted = sink ? adoptAccepted(accepted, sink) : null;
        if (adopted) socket = adopted;
        else {
          sink = null;
          accepted.resume();
        }
      }
      if (noDelay) socket.setNoDelay(true);
      const conn = new FramedConnection(socket, settings, sink);
      this.#connections.add(conn);
      conn.once('close', (err) => {
        this.#connections.delete(conn);
        if (err && !(err instanceof ConnectionClosedError)) this.#report(err, conn);
      });
      if (onConnection) {
        const handler = (async () => {
          try {
            await onConnection(conn);
            if (!conn.closed) await conn.close();
          } catch (err) {
            const e = err instanceof Error ? err : new Error(String(err));
            // Destroying with the error reports it through the 'close' listener above.
            if (!conn.closed) conn.destroy(e);
            else if (!(e instanceof FramingError)) this.#report(e, conn);
          }
        })();
        this.#handlers.add(handler);
        void handler.then(() => this.#handlers.delete(handler));
      }
      this.emit('connection', conn);
    };
    this.server = options.tls
      ? tls.createServer({ ...options.tls, allowHalfOpen: true }, accept)
      : net.createServer({ allowHalfOpen: true, pauseOnConnect: zeroCopy }, accept);
    if (options.maxConnections !== undefined) {
      this.server.maxConnections = intOption('maxConnections', options.maxConnections, 1);
    }
    // Every TCP socket, including TLS ones still in their handshake (no connection object yet).
    this.server.on('connection', (raw: net.Socket) => {
      this.#sockets.add(raw);
      raw.once('close', () => this.#sockets.delete(raw));
    });
    // A failed handshake never becomes a connection: drop its socket.
    this.server.on('tlsClientError', (_err: Error, raw: net.Socket) => raw.destroy());
  }

  #destroyAll(): void {
    for (const c of this.#connections) c.destroy();
    for (const raw of this.#sockets) raw.destroy();
  }

  /** Hands a connection's failure to 'connectionError' listeners, or warns about handler bugs. */
  #report(err: Error, conn: FramedConnection): void {
    if (this.listenerCount('connectionError') > 0) this.emit('connectionError', err, conn);
    else if (!(err instanceof FramingError)) process.emitWarning(err);
  }

  /** Open connections. */
  get connections(): ReadonlySet<FramedConnection> {
    return this.#connections;
  }

  /** True once listening. */
  get listening(): boolean {
    return this.server.listening;
  }

  /**
   * Starts listening; resolves with the bound address once listening.
   *
   * @example
   * await server.listen(0, '127.0.0.1');
   * await server.listen({ path: '/tmp/app.sock' });
   */
  listen(port?: number, host?: string): Promise<net.AddressInfo | string>;
  listen(options: ListenOptions): Promise<net.AddressInfo | string>;
  listen(portOrOptions: number | ListenOptions = 0, host?: string): Promise<net.AddressInfo | string> {
    let opts: net.ListenOptions;
    if (typeof portOrOptions === 'number') {
      intOption('port', portOrOptions, 0, 65535);
      opts = host === undefined ? { port: portOrOptions } : { port: portOrOptions, host };
    } else {
      checkKeys('listen', portOrOptions, LISTEN_KEYS);
      const { path, port, backlog } = portOrOptions;
      opts =
        path !== undefined
          ? { path }
          : {
              port: intOption('port', port ?? 0, 0, 65535),
              ...(portOrOptions.host ? { host: portOrOptions.host } : {}),
            };
      if (backlog !== undefined) opts.backlog = intOption('backlog', backlog, 1);
    }
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.server.once('error', onError);
      this.server.listen(opts, () => {
        this.server.off('error', onError);
        resolve(this.server.address()!);
      });
    });
  }

  /** The bound address: `{ address, family, port }`, a unix socket path, or null before listening. */
  address(): net.AddressInfo | string | null {
    return this.server.address();
  }

  /**
   * Stops accepting connections. Graceful (default): waits until every open connection has
   * finished (its handler returned and the socket closed), destroying stragglers after
   * `timeoutMs` if given. Not graceful: destroys every connection now. Resolves when all are gone.
   */
  close(options: ServerCloseOptions = {}): Promise<void> {
    checkKeys('close', options, CLOSE_KEYS);
    const graceful = options.graceful ?? true;
    const timeoutMs = timeoutOption('timeoutMs', options.timeoutMs);
    if (!graceful) this.#destroyAll();
    if (this.#closing) return this.#closing;
    this.#closing = (async () => {
      const stopped = new Promise<void>((resolve) => {
        if (this.server.listening) this.server.close(() => resolve());
        else resolve();
      });
      let timer: NodeJS.Timeout | undefined;
      if (graceful && timeoutMs > 0) {
        timer = setTimeout(() => this.#destroyAll(), timeoutMs);
      }
      await stopped;
      // server.close() resolves once every socket closed; handlers may still be unwinding.
      while (this.#connections.size > 0 || this.#handlers.size > 0) {
        await Promise.all([...this.#connections].map((c) => c.closedPromise).concat([...this.#handlers]));
      }
      if (timer) clearTimeout(timer);
      this.emit('close');
    })();
    return this.#closing;
  }
}

/** The parts of a Node stream handle that {@link adoptAccepted} relies on. */
interface StreamHandle {
  reading?: unknown;
  readStart?: unknown;
  useUserBuffer?: unknown;
}

/** Sockets whose handle `_handle` reaches (an internal accessor of `net.Socket`). */
type WithHandle = { _handle: unknown };

/**
 * Re-wraps a freshly accepted, still paused socket in a `net.Socket` made with the documented
 * `onread` option, so that its reads land in the sink's buffers. Node 20 offers `onread` only
 * for sockets it creates on request (`net.connect`, `new net.Socket`), not for accepted ones, so
 * this does what Node's own accept path does (checked against Node 20's lib/net.js): it passes
 * the accepted socket's handle (`_handle`) to the `handle` constructor option. Both are internals,
 * so every assumption is checked before anything changes, and null (read the default way) is
 * returned when one does not hold. The accepted socket stays open, without a handle, until the new
 * one closes, so the server's connection count (`maxConnections`, `close()`) stays right.
 */
export function adoptAccepted(accepted: net.Socket, sink: ReadSink): net.Socket | null {
  if (accepted.destroyed || accepted.readableFlowing !== false) return null;
  const holder = accepted as unknown as WithHandle;
  const handle = holder._handle as StreamHandle | null | undefined;
  if (
    handle === null ||
    typeof handle !== 'object' ||
    handle.reading !== false ||
    typeof handle.readStart !== 'function' ||
    typeof handle.useUserBuffer !== 'function'
  ) {
    return null;
  }
  // The accessor must store what it is given (proved by storing the same value).
  holder._handle = handle;
  if (holder._handle !== handle) return null;
  let socket: net.Socket;
  try {
    socket = new net.Socket({
      handle,
      onread: sink.onread,
      allowHalfOpen: true,
      readable: true,
      writable: true,
    } as net.SocketConstructorOpts);
  } catch {
    return null;
  }
  if ((socket as unknown as WithHandle)._handle !== handle) {
    // Node ignored the handle: the new socket owns nothing; keep reading the default way.
    socket.destroy();
    return null;
  }
  holder._handle = null;
  socket.once('close', () => accepted.destroy());
  return socket;
}

/**
 * Creates a framed server. Call `listen()` to start it.
 *
 * @example
 * const server = createServer({
 *   codec: new LengthPrefixedCodec(),
 *   async onConnection(conn) {
 *     for await (const message of conn.messages()) conn.send(message); // echo
 *   },
 * });
 * await server.listen(0, '127.0.0.1');
 */
export function createServer(options: ServerOptions = {}): FramedServer {
  return new FramedServer(options);
}
