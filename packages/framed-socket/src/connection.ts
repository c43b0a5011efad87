import { Buffer } from 'node:buffer';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import type { Codec, FrameDecoder } from './codecs/codec.js';
import type { DirectReader } from './codecs/direct-reader.js';
import { LengthPrefixedCodec, lengthPrefixedHeader } from './codecs/length-prefixed.js';
import { isBe32 } from './codecs/prefix-decoder.js';
import { AbortedError, ConnectionClosedError, FramingError, TimeoutError } from './errors.js';
import { toBuffer } from './options.js';

/** Bodies at least this large are written from the caller's buffer instead of being copied. */
const LARGE_BODY = 16 * 1024;
/**
 * Bodies up to this size are copied into the arena byte by byte; larger ones with
 * `Uint8Array#set`. Measured on Node 20: the loop costs about 1 ns a byte, `set` about 11 ns up
 * to a few hundred bytes (and 1-2 ns less than `Buffer#copy` at every size).
 */
const BYTE_LOOP_MAX = 12;
/** Size of the buffers small frames are coalesced into. */
const ARENA_SIZE = 64 * 1024;
/**
 * A pending batch of this many bytes is written at once instead of at the end of the tick: a
 * large frame leaves as soon as it is sent, and many small ones still go out in 64 KiB writes.
 * (Holding a batch of several 64 KiB frames until the end of the tick made each write costlier.)
 */
const FLUSH_AT = 64 * 1024;

/** Counters of one connection. */
export interface ConnectionStats {
  /** Bytes read from the socket. */
  bytesRead: number;
  /** Bytes handed to the socket (headers and delimiters included). */
  bytesWritten: number;
  /** Whole frames decoded. */
  framesReceived: number;
  /** Frames whose write completed. */
  framesSent: number;
  /** Oversize frames dropped by a delimited codec with `onTooLarge: 'skip'`. */
  framesSkipped: number;
}

/** Options of {@link FramedConnection.receive}. */
export interface ReceiveOptions {
  /** Reject with {@link TimeoutError} (phase `'receive'`) when no message arrives in time. */
  timeoutMs?: number;
  /** Reject with {@link AbortedError} when this signal fires. */
  signal?: AbortSignal;
}

/** Options of {@link FramedConnection.close}. */
export interface CloseOptions {
  /**
   * How long to wait for the peer to finish after our end of stream before destroying the socket.
   * @default 5000
   */
  timeoutMs?: number;
}

/** Internal settings a connection is built with. */
export interface ConnectionSettings {
  codec: Codec;
  idleTimeoutMs: number;
  /** Messages queued (not yet taken by `receive`/`messages`) before reading pauses. */
  highWaterMark: number;
  signal: AbortSignal | undefined;
}

interface Waiter {
  resolve(value: Buffer | null): void;
  reject(err: Error): void;
}

interface Deferred {
  promise: Promise<void>;
  resolve(): void;
  reject(err: Error): void;
  frames: number;
}

const noop = (): void => {};

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Fire-and-forget senders must not crash the process with an unhandled rejection: the error
  // still reaches anyone who awaits the promise.
  promise.catch(noop);
  return { promise, resolve, reject, frames: 0 };
}

/** A read that arrived before a connection was bound to its sink. */
type EarlyRead = { messages: Buffer[]; error: Error | null };

/**
 * The `onread` option of a socket whose reads land straight in a {@link DirectReader}'s buffers.
 * It is made before the socket (Node takes `onread` when the socket is created); the connection
 * binds to it right after. Reads cannot start before that, but any that did are decoded and kept.
 */
export class ReadSink {
  readonly reader: DirectReader;
  /** The buffer the next read lands in (the last one handed to Node). */
  target: Buffer;
  #handler: ((n: number, buf: Uint8Array) => boolean) | null = null;
  #early: EarlyRead[] = [];
  /** The option object for `net.connect` / `new net.Socket`. */
  readonly onread: { buffer: () => Buffer; callback: (n: number, buf: Uint8Array) => boolean };

  constructor(reader: DirectReader) {
    this.reader = reader;
    this.target = reader.readBuffer();
    this.onread = {
      buffer: () => {
        this.target = this.reader.readBuffer();
        return this.target;
      },
      callback: (n, buf) => {
        if (this.#handler) return this.#handler(n, buf);
        const early: EarlyRead = { messages: [], error: null };
        try {
          this.reader.commit(n, early.messages);
        } catch (err) {
          early.error = err as Error;
        }
        this.#early.push(early);
        return true;
      },
    };
  }

  /** Routes every further read to `handler`; returns the reads decoded before. */
  bind(handler: (n: number, buf: Uint8Array) => boolean): EarlyRead[] {
    this.#handler = handler;
    const early = this.#early;
    this.#early = [];
    return early;
  }
}

/**
 * Events of a {@link FramedConnection}:
 * - `'end'`: the peer finished sending (its end of stream arrived and every frame was complete).
 * - `'close'` `(error: Error | null)`: the socket is closed; `error` says why when it failed.
 */
export interface FramedConnectionEvents {
  end: [];
  close: [error: Error | null];
}

/**
 * One framed connection: whole messages in, whole messages out. Made by {@link connect} or handed
 * to a server's `onConnection`; {@link wrapSocket} frames any connected socket.
 *
 * Reading: {@link FramedConnection.messages} (async iterable) or {@link FramedConnection.receive};
 * both take from one queue, and reading from the socket pauses while `highWaterMark` messages wait
 * there. Writing: {@link FramedConnection.send}; frames sent in the same tick leave in one write.
 */
export class FramedConnection extends EventEmitter<FramedConnectionEvents> {
  /** The underlying socket (a `tls.TLSSocket` for TLS connections). */
  readonly socket: Socket;
  /** The codec frames are encoded and decoded with. */
  readonly codec: Codec;
  readonly #decoder: FrameDecoder;
  readonly #hwm: number;
  // Read side.
  /**
   * Messages not yet taken, as the arrays the decoder produced (one per read; a read of small
   * frames can bring thousands): `#queue[#qHead][#qPos]` is the next one, `#queued` the count.
   */
  #queue: Buffer[][] = [];
  #qHead = 0;
  #qPos = 0;
  #queued = 0;
  #waiters: Waiter[] = [];
  #readDone = false;
  #readError: Error | null = null;
  #paused = false;
  #discard = false;
  // Write side.
  #arena: Buffer = Buffer.allocUnsafe(0);
  #arenaStart = 0;
  #arenaPos = 0;
  #segments: Buffer[] = [];
  #pendingBytes = 0;
  #batch: Deferred | null = null;
  #flushScheduled = false;
  #waitingDrain = false;
  #writeClosed = false;
  #ending: Promise<void> | null = null;
  // State.
  #closed = false;
  #closeError: Error | null = null;
  #closedPromise: Promise<void>;
  #framesSent = 0;
  #signal: AbortSignal | undefined;
  #onAbort: (() => void) | null = null;

  readonly #sink: ReadSink | null;
  /**
   * Largest body the short path of `#enqueue` copies into the arena with an inline header: bodies
   * below LARGE_BODY within maxLength in the default format (4-byte big-endian length, header not
   * counted); -1 for other formats.
   */
  readonly #smallMax: number;

  /** @internal Use {@link connect}, a server's `onConnection`, or {@link wrapSocket}. */
  constructor(socket: Socket, settings: ConnectionSettings, sink: ReadSink | null = null) {
    super();
    this.socket = socket;
    this.codec = settings.codec;
    this.#sink = sink;
    this.#decoder = sink ? sink.reader : settings.codec.createDecoder();
    const codec = settings.codec;
    const be32 = codec instanceof LengthPrefixedCodec && isBe32(lengthPrefixedHeader(codec));
    this.#smallMax = be32 ? Math.min(LARGE_BODY - 1, codec.maxLength) : -1;
    this.#hwm = settings.highWaterMark;
    this.#closedPromise = new Promise<void>((resolve) => {
      socket.once('close', () => {
        this.#onClose();
        resolve();
      });
    });
    if (sink) {
      for (const early of sink.bind((n, buf) => this.#onRead(n, buf)))
        this.#decoded(early.messages, early.error);
    } else {
      socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    }
    socket.on('end', () => this.#onEnd());
    socket.on('error', (err: Error) => this.#fail(wrapSocketError(err)));
    socket.on('drain', () => {
      if (this.#waitingDrain) {
        this.#waitingDrain = false;
        this.#flush();
      }
    });
    if (settings.idleTimeoutMs > 0) {
      socket.setTimeout(settings.idleTimeoutMs, () => {
        this.destroy(new TimeoutError('idle', settings.idleTimeoutMs));
      });
    }
    const signal = settings.signal;
    if (signal) {
      this.#signal = signal;
      if (signal.aborted) {
        queueMicrotask(() => this.destroy(new AbortedError(signal.reason)));
      } else {
        this.#onAbort = () => this.destroy(new AbortedError(signal.reason));
        signal.addEventListener('abort', this.#onAbort, { once: true });
      }
    }
    if (socket.destroyed) queueMicrotask(() => this.#onClose());
  }

  /** The peer's address (`undefined` for a unix socket or once closed). */
  get remoteAddress(): string | undefined {
    return this.socket.remoteAddress;
  }

  /** The peer's port (`undefined` for a unix socket or once closed). */
  get remotePort(): number | undefined {
    return this.socket.remotePort;
  }

  /** True once the socket is closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /** A snapshot of the byte and frame counters. */
  get stats(): ConnectionStats {
    return {
      bytesRead: this.socket.bytesRead,
      bytesWritten: this.socket.bytesWritten,
      framesReceived: this.#decoder.frames,
      framesSent: this.#framesSent,
      framesSkipped: this.#decoder.skipped,
    };
  }

  /** A promise that resolves when the socket has closed (never rejects). */
  get closedPromise(): Promise<void> {
    return this.#closedPromise;
  }

  /**
   * Sends one message (a string is sent as UTF-8). Frames sent in the same tick are coalesced into
   * one write. Resolves once the write containing this frame completed (the kernel has the bytes);
   * while the socket is saturated the frame waits, so awaiting `send` is the backpressure.
   * Rejects with {@link FrameTooLargeError} / {@link InvalidFrameError} when the codec cannot frame
   * the message, {@link ConnectionClosedError} when the connection is closed or ending.
   */
  send(message: Uint8Array | string): Promise<void> {
    try {
      return this.#sendNow(message);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * Sends a message and waits for the next one: a request/response exchange. Pipelined calls are
   * answered in order (the peer must reply once per message, in order). A message the codec cannot
   * frame rejects without consuming a reply.
   */
  async request(message: Uint8Array | string, options: ReceiveOptions = {}): Promise<Buffer> {
    // Queued synchronously (the write happens later in this tick), so the reply cannot arrive
    // before the receive below is registered.
    const sent = this.#sendNow(message);
    const reply = this.receive(options);
    reply.catch(noop);
    await sent;
    return reply;
  }

  /** Queues one frame; throws synchronously when it cannot be framed or the connection is ending. */
  #sendNow(message: Uint8Array | string): Promise<void> {
    if (this.#writeClosed) {
      throw this.#closeError ?? new ConnectionClosedError('Cannot send: the connection is ending');
    }
    this.#enqueue(message);
    const batch = this.#batch!;
    batch.frames++;
    if (this.#pendingBytes >= FLUSH_AT && !this.#waitingDrain) this.#flush();
    else if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      process.nextTick(() => this.#flush());
    }
    return batch.promise;
  }

  /**
   * The next message. Rejects with {@link ConnectionClosedError} when the peer finished without
   * sending one, {@link UnexpectedEofError} when it closed mid-frame, the framing error when a frame
   * was bad, {@link TimeoutError} / {@link AbortedError} per `options`.
   */
  receive(options: ReceiveOptions = {}): Promise<Buffer> {
    const timeoutMs = options.timeoutMs ?? 0;
    const signal = options.signal;
    if (signal?.aborted) return Promise.reject(new AbortedError(signal.reason));
    if (timeoutMs <= 0 && !signal) return this.#next().then(orClosed);
    const before = this.#waiters.length;
    const p = this.#next();
    const waiter = this.#waiters.length > before ? this.#waiters[this.#waiters.length - 1] : undefined;
    return new Promise<Buffer>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const onAbort = (): void => {
        cleanup();
        this.#cancel(waiter);
        reject(new AbortedError(signal!.reason));
      };
      const cleanup = (): void => {
        if (timer) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      if (timeoutMs > 0) {
        timer = setTimeout(() => {
          cleanup();
          this.#cancel(waiter);
          reject(new TimeoutError('receive', timeoutMs));
        }, timeoutMs);
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      p.then(
        (m) => {
          cleanup();
          try {
            resolve(orClosed(m));
          } catch (err) {
            reject(err);
          }
        },
        (err: Error) => {
          cleanup();
          reject(err);
        },
      );
    });
  }

  /**
   * Every message until the peer finishes, as an async iterable. Ends cleanly at the peer's end of
   * stream; throws {@link UnexpectedEofError} when the peer closed mid-frame, or the framing /
   * socket error that ended the connection. Breaking out of the loop leaves the connection open.
   */
  messages(): AsyncIterableIterator<Buffer> {
    const self = this;
    const done: IteratorResult<Buffer> = { value: undefined, done: true };
    return {
      next(): Promise<IteratorResult<Buffer>> {
        const m = self.#take();
        if (m) return Promise.resolve({ value: m, done: false });
        return self.#next().then((v) => (v ? { value: v, done: false } : done));
      },
      return(): Promise<IteratorResult<Buffer>> {
        return Promise.resolve(done);
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  /**
   * The same messages as {@link FramedConnection.messages}, in the same order, grouped: each step
   * yields every message that has arrived and not been taken yet (at least one), usually all the
   * messages of one read. One `await` per group instead of one per message, for consumers of many
   * small messages. Ends and throws as `messages()` does; breaking out leaves the connection open.
   *
   * @example
   * for await (const batch of conn.batches()) {
   *   for (const m of batch) void conn.send(m); // echo, frames of one batch leave in one write
   * }
   */
  batches(): AsyncIterableIterator<Buffer[]> {
    const self = this;
    const done: IteratorResult<Buffer[]> = { value: undefined, done: true };
    return {
      next(): Promise<IteratorResult<Buffer[]>> {
        if (self.#queued > 0) return Promise.resolve({ value: self.#takeAll(), done: false });
        return self.#next().then((first) => {
          if (!first) return done;
          const batch = self.#queued > 0 ? self.#takeAll() : [];
          batch.unshift(first);
          return { value: batch, done: false };
        });
      },
      return(): Promise<IteratorResult<Buffer[]>> {
        return Promise.resolve(done);
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  /** Same as {@link FramedConnection.messages}: `for await (const m of conn) ...`. */
  [Symbol.asyncIterator](): AsyncIterableIterator<Buffer> {
    return this.messages();
  }

  /**
   * Half-closes: flushes pending frames, then sends end of stream (Python's
   * `shutdown(SHUT_WR)`). The peer reads everything sent so far, then sees the end; we can still
   * receive. Resolves when the end has been handed to the kernel.
   */
  end(): Promise<void> {
    if (this.#ending) return this.#ending;
    this.#writeClosed = true;
    this.#ending = new Promise<void>((resolve, reject) => {
      const finish = (): void => {
        if (this.socket.destroyed) {
          if (this.socket.writableFinished) resolve();
          else reject(this.#closeError ?? new ConnectionClosedError('Connection closed before end'));
          return;
        }
        this.socket.end(() => resolve());
      };
      const batch = this.#batch;
      if (batch) {
        this.#flush();
        batch.promise.then(finish, finish);
      } else finish();
    });
    this.#ending.catch(noop);
    return this.#ending;
  }

  /**
   * Closes gracefully: {@link FramedConnection.end}, then waits for the peer to finish (messages
   * still arriving are discarded) and the socket to close; after `timeoutMs` destroys it (the
   * `'close'` event then carries a {@link TimeoutError} with phase `'close'`). Never rejects.
   */
  async close(options: CloseOptions = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? 5000;
    if (this.#closed) return;
    this.#discard = true;
    this.#clearQueue();
    try {
      await this.end();
    } catch {
      // The socket failed while ending: it is closing anyway.
    }
    if (this.#closed) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.#closedPromise,
      new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          this.destroy(new TimeoutError('close', timeoutMs));
          resolve();
        }, timeoutMs);
        timer.unref();
      }),
    ]);
    if (timer) clearTimeout(timer);
    await this.#closedPromise;
  }

  /** Closes at once, dropping unsent frames; pending operations reject with `error` if given. */
  destroy(error?: Error): void {
    if (error && !this.#closeError) this.#fail(error);
    this.socket.destroy();
  }

  // ---------------------------------------------------------------------------------------------

  #enqueue(message: Uint8Array | string): void {
    const body = toBuffer(message);
    const n = body.length;
    if (n <= this.#smallMax) {
      // The default format and a body that is copied (within maxLength): the bytes the general
      // path below writes through the codec, with fewer branches (a test compares them byte for
      // byte with codec.encodeAll).
      let arena = this.#arena;
      let pos = this.#arenaPos;
      if (arena.length - pos < n + 4) {
        this.#cutArena();
        arena = Buffer.allocUnsafe(ARENA_SIZE);
        this.#arena = arena;
        this.#arenaStart = 0;
        pos = 0;
      }
      arena[pos] = n >>> 24;
      arena[pos + 1] = (n >>> 16) & 255;
      arena[pos + 2] = (n >>> 8) & 255;
      arena[pos + 3] = n & 255;
      pos += 4;
      if (n <= BYTE_LOOP_MAX) for (let i = 0; i < n; i++) arena[pos + i] = body[i]!;
      else arena.set(body, pos);
      this.#arenaPos = pos + n;
      this.#pendingBytes += n + 4;
      if (!this.#batch) this.#batch = deferred();
      return;
    }
    // Every other frame: other formats, and in the default format the bodies the short path does
    // not copy (LARGE_BODY and up, written from the caller's buffer, or above maxLength, which
    // headerLength() rejects). Those are few, so the codec writes their header.
    const codec = this.codec;
    const head = codec.headerLength(body);
    const trailer = codec.trailer;
    const large = body.length >= LARGE_BODY;
    const inArena = large ? head + trailer.length : head + body.length + trailer.length;
    if (this.#arena.length - this.#arenaPos < inArena) {
      this.#cutArena();
      this.#arena = Buffer.allocUnsafe(Math.max(ARENA_SIZE, inArena));
      this.#arenaStart = 0;
      this.#arenaPos = 0;
    }
    // headerLength() has validated the body: a codec without a header (delimited, fixed-length)
    // is not asked to validate it again (for a delimiter, a second scan of the body).
    let pos = this.#arenaPos;
    if (head > 0) pos = codec.writeHeader(body, this.#arena, pos);
    if (large) {
      this.#arenaPos = pos;
      this.#cutArena();
      this.#segments.push(body);
      pos = this.#arenaPos;
    } else if (body.length <= BYTE_LOOP_MAX) {
      const arena = this.#arena;
      for (let i = 0; i < body.length; i++) arena[pos + i] = body[i]!;
      pos += body.length;
    } else {
      this.#arena.set(body, pos);
      pos += body.length;
    }
    if (trailer.length > 0) {
      trailer.copy(this.#arena, pos);
      pos += trailer.length;
    }
    this.#arenaPos = pos;
    this.#pendingBytes += inArena + (large ? body.length : 0);
    if (!this.#batch) this.#batch = deferred();
  }

  /** Moves the arena bytes written so far into the segment list. */
  #cutArena(): void {
    if (this.#arenaPos > this.#arenaStart) {
      this.#segments.push(this.#arena.subarray(this.#arenaStart, this.#arenaPos));
      this.#arenaStart = this.#arenaPos;
    }
  }

  #flush(): void {
    this.#flushScheduled = false;
    const batch = this.#batch;
    if (!batch) return;
    const socket = this.socket;
    if (socket.destroyed) {
      this.#dropBatch();
      return;
    }
    if (socket.writableNeedDrain || socket.connecting) {
      // Saturated: keep collecting; the senders wait until the kernel takes the bytes.
      if (socket.connecting) socket.once('connect', () => this.#flush());
      else this.#waitingDrain = true;
      return;
    }
    this.#cutArena();
    const segs = this.#segments;
    this.#segments = [];
    this.#batch = null;
    this.#pendingBytes = 0;
    const frames = batch.frames;
    const done = (err?: Error | null): void => {
      if (err) batch.reject(this.#closeError ?? wrapSocketError(err));
      else {
        this.#framesSent += frames;
        batch.resolve();
      }
    };
    if (segs.length === 1) {
      socket.write(segs[0]!, done);
      return;
    }
    socket.cork();
    const last = segs.length - 1;
    for (let i = 0; i < last; i++) socket.write(segs[i]!);
    socket.write(segs[last]!, done);
    socket.uncork();
  }

  /** Rejects the senders of the frames not yet written: the socket is gone. */
  #dropBatch(): void {
    const batch = this.#batch;
    if (!batch) return;
    this.#batch = null;
    this.#segments = [];
    this.#pendingBytes = 0;
    batch.reject(
      this.#closeError ?? new ConnectionClosedError('Connection closed before the frame was sent'),
    );
  }

  #onData(chunk: Buffer): void {
    if (this.#readError) return;
    const out: Buffer[] = [];
    let error: Error | null = null;
    try {
      this.#decoder.push(chunk, out);
    } catch (err) {
      error = err as Error;
    }
    this.#decoded(out, error);
  }

  /** `n` bytes were read into the sink's buffer (sockets made with `onread`). */
  #onRead(n: number, buf: Uint8Array): boolean {
    if (this.#readError) return false;
    const sink = this.#sink!;
    const out: Buffer[] = [];
    let error: Error | null = null;
    if (buf !== sink.target) {
      // Node wrote somewhere other than the buffer we handed it: never decode bytes we cannot place.
      error = new ConnectionClosedError('Socket read landed outside the buffer it was given');
    } else {
      try {
        sink.reader.commit(n, out);
      } catch (err) {
        error = err as Error;
      }
    }
    this.#decoded(out, error);
    return true;
  }

  /** Delivers decoded messages; a framing error then ends the connection. */
  #decoded(out: Buffer[], error: Error | null): void {
    this.#deliver(out);
    if (error) {
      this.#readError = error;
      this.#rejectWaiters(error);
      this.destroy(error);
    }
  }

  /** Hands messages to waiting readers, queues the rest (`msgs` is not used by anyone else). */
  #deliver(msgs: Buffer[]): void {
    if (this.#discard) return;
    let i = 0;
    const n = msgs.length;
    while (i < n && this.#waiters.length > 0) this.#waiters.shift()!.resolve(msgs[i++]!);
    if (i === n) return;
    if (i === 0) this.#queue.push(msgs);
    else if (this.#queued === 0) {
      // Readers wait only while the queue is empty, so the rest of `msgs` starts the queue: mark
      // where instead of copying them into a new array.
      this.#queue = [msgs];
      this.#qHead = 0;
      this.#qPos = i;
    } else this.#queue.push(msgs.slice(i));
    this.#queued += n - i;
    if (!this.#paused && this.#queued >= this.#hwm) {
      this.#paused = true;
      this.socket.pause();
    }
  }

  #take(): Buffer | undefined {
    if (this.#queued === 0) return undefined;
    const batch = this.#queue[this.#qHead]!;
    const m = batch[this.#qPos++]!;
    this.#queued--;
    if (this.#qPos === batch.length) {
      if (this.#queued === 0) this.#clearQueue();
      else {
        this.#qPos = 0;
        this.#qHead++;
        if (this.#qHead > 1024 && this.#qHead * 2 > this.#queue.length) {
          this.#queue = this.#queue.slice(this.#qHead);
          this.#qHead = 0;
        }
      }
    }
    return m;
  }

  /** Every queued message, in order (the queue must not be empty); reading resumes. */
  #takeAll(): Buffer[] {
    const queue = this.#queue;
    let all: Buffer[];
    if (queue.length - this.#qHead === 1 && this.#qPos === 0) {
      // One read's messages, untouched: the decoder's array is handed over as it is.
      all = queue[this.#qHead]!;
    } else {
      all = [];
      for (let b = this.#qHead, from = this.#qPos; b < queue.length; b++, from = 0) {
        const batch = queue[b]!;
        for (let i = from; i < batch.length; i++) all.push(batch[i]!);
      }
    }
    this.#clearQueue();
    return all;
  }

  /** Empties the message queue; reading resumes. */
  #clearQueue(): void {
    this.#queue = [];
    this.#qHead = 0;
    this.#qPos = 0;
    this.#queued = 0;
    this.#resume();
  }

  #resume(): void {
    if (this.#paused) {
      this.#paused = false;
      if (!this.socket.destroyed) this.socket.resume();
    }
  }

  /** Next message, or null at a clean end of stream. */
  #next(): Promise<Buffer | null> {
    const m = this.#take();
    if (m) return Promise.resolve(m);
    if (this.#readError) return Promise.reject(this.#readError);
    if (this.#readDone) return Promise.resolve(null);
    if (this.#closed) return Promise.reject(this.#closeError ?? new ConnectionClosedError());
    return new Promise<Buffer | null>((resolve, reject) => {
      this.#waiters.push({ resolve, reject });
    });
  }

  #cancel(waiter: Waiter | undefined): void {
    if (!waiter) return;
    const i = this.#waiters.indexOf(waiter);
    if (i !== -1) this.#waiters.splice(i, 1);
  }

  #onEnd(): void {
    let last: Buffer[] = [];
    try {
      last = this.#decoder.end();
    } catch (err) {
      this.#readError = err as Error;
      this.#rejectWaiters(err as Error);
      return;
    }
    // A copy: batches() hands queued arrays to the caller, and a custom decoder may keep this one.
    this.#deliver(last.slice());
    this.#readDone = true;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w.resolve(null);
    this.emit('end');
  }

  #fail(err: Error): void {
    if (!this.#closeError) this.#closeError = err;
    if (!this.#readDone && !this.#readError) {
      this.#readError = err;
      this.#rejectWaiters(err);
    }
  }

  #rejectWaiters(err: Error): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w.reject(err);
  }

  #onClose(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#writeClosed = true;
    if (!this.#readDone && !this.#readError) {
      // Closed without an end of stream from the peer (reset, destroy): a frame in progress is lost.
      let err: Error = this.#closeError ?? new ConnectionClosedError();
      if (!this.#closeError && this.#decoder.buffered > 0) {
        try {
          this.#decoder.end();
        } catch (eof) {
          err = eof as Error;
        }
      }
      this.#readError = err;
      this.#rejectWaiters(err);
    }
    this.#dropBatch();
    if (this.#onAbort && this.#signal) this.#signal.removeEventListener('abort', this.#onAbort);
    this.emit('close', this.#closeError);
  }
}

function orClosed(m: Buffer | null): Buffer {
  if (m === null) throw new ConnectionClosedError('The peer closed the connection without sending a message');
  return m;
}

/** Socket errors become {@link ConnectionClosedError} (with the system error as `cause`). */
export function wrapSocketError(err: Error): Error {
  if (err instanceof FramingError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  return new ConnectionClosedError(`Connection failed: ${code ?? err.message}`, { cause: err });
}
