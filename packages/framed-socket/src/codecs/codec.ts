import { Buffer } from 'node:buffer';
import { toBuffer } from '../options.js';

/**
 * An incremental decoder: feed it chunks as they arrive, get back every message they complete.
 * Each connection owns one; a decoder is not shared.
 */
export interface FrameDecoder {
  /**
   * Feeds one chunk and returns the whole messages it completed, in order (appended to `out` when
   * given). On a framing error it throws, and `out` still holds the messages decoded before the bad
   * frame, so nothing already received is lost. After an error every further call throws it again.
   */
  push(chunk: Uint8Array, out?: Buffer[]): Buffer[];
  /**
   * Declares the end of the stream and returns any last message it completes (only a delimited
   * codec with `trailing: 'emit'` has one). Throws {@link UnexpectedEofError} when a frame was
   * started but not finished.
   */
  end(): Buffer[];
  /** Bytes held for an incomplete frame. */
  readonly buffered: number;
  /** Whole frames decoded so far. */
  readonly frames: number;
  /** Oversize frames skipped (delimited codec with `onTooLarge: 'skip'`), else 0. */
  readonly skipped: number;
}

/**
 * A framing format. A codec instance only describes the format and holds no stream state, so one
 * instance can serve a server and all its connections.
 */
export interface Codec {
  /** Short name of the format, e.g. `'length-prefixed'`. */
  readonly kind: 'fixed-length' | 'delimited' | 'length-prefixed' | 'varint-length';
  /** Largest message body accepted, in bytes. */
  readonly maxLength: number;
  /** Frames one message (a string is sent as UTF-8). Throws when the message cannot be framed. */
  encode(message: Uint8Array | string): Buffer;
  /** Frames the body of every message in a list into one buffer. */
  encodeAll(messages: Iterable<Uint8Array | string>): Buffer;
  /** Decodes a complete byte string into its messages (throws on a trailing partial frame). */
  decode(bytes: Uint8Array): Buffer[];
  /** A fresh incremental decoder with its own state. */
  createDecoder(): FrameDecoder;
  /** Bytes this codec writes before a body of `bodyLength` bytes (validates the body). */
  headerLength(body: Uint8Array): number;
  /** Writes the header for `body` at `offset`; returns the offset after it. */
  writeHeader(body: Uint8Array, target: Uint8Array, offset: number): number;
  /** Bytes written after every body (the delimiter, or nothing). */
  readonly trailer: Buffer;
}

export const EMPTY = Buffer.alloc(0);

/** Shared implementation of encode / encodeAll / decode on top of the header primitives. */
export abstract class BaseCodec implements Codec {
  abstract readonly kind: Codec['kind'];
  abstract readonly maxLength: number;
  abstract readonly trailer: Buffer;
  abstract headerLength(body: Uint8Array): number;
  abstract writeHeader(body: Uint8Array, target: Uint8Array, offset: number): number;
  abstract createDecoder(): FrameDecoder;

  encode(message: Uint8Array | string): Buffer {
    const body = toBuffer(message);
    const head = this.headerLength(body);
    const out = Buffer.allocUnsafe(head + body.length + this.trailer.length);
    // headerLength() has validated the body; without a header there is nothing more to write.
    let pos = head > 0 ? this.writeHeader(body, out, 0) : 0;
    out.set(body, pos);
    pos += body.length;
    if (this.trailer.length > 0) out.set(this.trailer, pos);
    return out;
  }

  encodeAll(messages: Iterable<Uint8Array | string>): Buffer {
    const bodies: Buffer[] = [];
    const heads: number[] = [];
    let total = 0;
    for (const m of messages) {
      const body = toBuffer(m);
      const head = this.headerLength(body);
      bodies.push(body);
      heads.push(head);
      total += head + body.length + this.trailer.length;
    }
    const out = Buffer.allocUnsafe(total);
    let pos = 0;
    for (let i = 0; i < bodies.length; i++) {
      const body = bodies[i]!;
      if (heads[i]! > 0) pos = this.writeHeader(body, out, pos);
      out.set(body, pos);
      pos += body.length;
      if (this.trailer.length > 0) {
        out.set(this.trailer, pos);
        pos += this.trailer.length;
      }
    }
    return out;
  }

  decode(bytes: Uint8Array): Buffer[] {
    const d = this.createDecoder();
    const out = d.push(bytes);
    for (const m of d.end()) out.push(m);
    return out;
  }
}

/** Wraps any Uint8Array as a Buffer view (no copy). */
export function asBuffer(chunk: Uint8Array): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new TypeError(`A chunk must be a Uint8Array, got ${typeof chunk}`);
}
