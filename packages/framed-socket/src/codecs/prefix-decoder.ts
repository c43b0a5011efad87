import { Buffer } from 'node:buffer';
import { FrameTooLargeError, InvalidFrameError, UnexpectedEofError } from '../errors.js';
import { ChunkList } from './chunk-list.js';
import { asBuffer, EMPTY, type FrameDecoder } from './codec.js';
import { makeView } from './view.js';

/** How a frame announces its body length. */
export type HeaderSpec =
  | { readonly type: 'none'; readonly size: number }
  | {
      readonly type: 'fixed';
      readonly bytes: 1 | 2 | 4 | 8;
      readonly little: boolean;
      readonly includesHeader: boolean;
    }
  | { readonly type: 'varint' };

/** Longest unsigned LEB128 varint that can hold Number.MAX_SAFE_INTEGER (53 bits / 7). */
export const MAX_VARINT_BYTES = 8;

/**
 * State machine shared by the fixed-length, length-prefixed and varint codecs: header, then body.
 * A body that lies inside one chunk is returned as a view of that chunk; a body spread over several
 * chunks is copied once, when its last byte arrives. The declared length is checked against
 * `maxLength` before any body byte is kept.
 */
export class PrefixDecoder implements FrameDecoder {
  readonly #spec: HeaderSpec;
  readonly #maxLength: number;
  readonly #hdr = Buffer.alloc(8);
  #hdrFilled = 0;
  #varValue = 0;
  #varMul = 1;
  #bodyLen = -1;
  readonly #body = new ChunkList();
  #frames = 0;
  #error: Error | null = null;

  constructor(spec: HeaderSpec, maxLength: number) {
    this.#spec = spec;
    this.#maxLength = maxLength;
  }

  get buffered(): number {
    return this.#hdrFilled + this.#body.length;
  }

  get frames(): number {
    return this.#frames;
  }

  get skipped(): number {
    return 0;
  }

  push(chunk: Uint8Array, out: Buffer[] = []): Buffer[] {
    if (this.#error) throw this.#error;
    const buf = asBuffer(chunk);
    const len = buf.length;
    const memory = buf.buffer;
    const base = buf.byteOffset;
    let off = 0;
    try {
      while (off < len) {
        if (this.#bodyLen < 0) {
          const spec = this.#spec;
          let n: number;
          if (spec.type === 'none') {
            n = spec.size;
          } else if (spec.type === 'fixed') {
            const hb = spec.bytes;
            if (this.#hdrFilled === 0 && len - off >= hb) {
              n = this.#readFixed(buf, off);
              off += hb;
            } else {
              const take = Math.min(hb - this.#hdrFilled, len - off);
              buf.copy(this.#hdr, this.#hdrFilled, off, off + take);
              this.#hdrFilled += take;
              off += take;
              if (this.#hdrFilled < hb) break;
              n = this.#readFixed(this.#hdr, 0);
              this.#hdrFilled = 0;
            }
          } else {
            let done = false;
            while (off < len) {
              const b = buf[off++]!;
              this.#hdrFilled++;
              this.#varValue += (b & 0x7f) * this.#varMul;
              this.#varMul *= 128;
              if (this.#varValue > this.#maxLength) {
                throw new FrameTooLargeError(this.#varValue, this.#maxLength, this.#frames);
              }
              if ((b & 0x80) === 0) {
                done = true;
                break;
              }
              if (this.#hdrFilled >= MAX_VARINT_BYTES) {
                throw new InvalidFrameError(
                  `Frame ${this.#frames}: varint length longer than ${MAX_VARINT_BYTES} bytes`,
                  this.#frames,
                );
              }
            }
            if (!done) break;
            n = this.#varValue;
            this.#varValue = 0;
            this.#varMul = 1;
            this.#hdrFilled = 0;
          }
          if (n === 0) {
            out.push(EMPTY);
            this.#frames++;
            continue;
          }
          this.#bodyLen = n;
        }
        const body = this.#body;
        const need = this.#bodyLen - body.length;
        const avail = len - off;
        if (body.length === 0 && avail >= need) {
          // A view made by makeView, as in DirectReader.commit (cheaper than subarray).
          out.push(makeView(memory, base + off, need));
          off += need;
        } else if (avail < need) {
          body.push(buf.subarray(off));
          break;
        } else {
          body.push(buf.subarray(off, off + need));
          off += need;
          out.push(body.take());
        }
        this.#bodyLen = -1;
        this.#frames++;
      }
    } catch (err) {
      this.#error = err as Error;
      this.#body.clear();
      throw err;
    }
    return out;
  }

  end(): Buffer[] {
    if (this.#error) throw this.#error;
    const spec = this.#spec;
    const hb = spec.type === 'fixed' ? spec.bytes : 0;
    if (this.#bodyLen >= 0) {
      const headerSize = spec.type === 'varint' ? varintSize(this.#bodyLen) : hb;
      throw new UnexpectedEofError(this.#frames, headerSize + this.#body.length, headerSize + this.#bodyLen);
    }
    if (this.#hdrFilled > 0) throw new UnexpectedEofError(this.#frames, this.#hdrFilled, undefined);
    return [];
  }

  #readFixed(b: Buffer, at: number): number {
    return readFixedLength(this.#spec as FixedHeader, b, at, this.#maxLength, this.#frames);
  }
}

/** The header spec of the length-prefixed codec. */
export type FixedHeader = Extract<HeaderSpec, { type: 'fixed' }>;

/**
 * Whether `spec` is the default format (4-byte big-endian length, header not counted), which the
 * per-message paths (the zero-copy reader, a connection's writes) read and write inline.
 */
export function isBe32(spec: HeaderSpec): boolean {
  return spec.type === 'fixed' && spec.bytes === 4 && !spec.little && !spec.includesHeader;
}

/**
 * Reads a fixed-size length field at `at` (all of its bytes are there) and returns the body length
 * it announces, after the `lengthIncludesHeader` adjustment; throws {@link InvalidFrameError} for a
 * length shorter than its own header and {@link FrameTooLargeError} above `maxLength`.
 */
export function readFixedLength(
  spec: FixedHeader,
  b: Buffer,
  at: number,
  maxLength: number,
  frame: number,
): number {
  let n: number;
  switch (spec.bytes) {
    case 1:
      n = b[at]!;
      break;
    case 2:
      n = spec.little ? b.readUInt16LE(at) : b.readUInt16BE(at);
      break;
    case 4:
      n = spec.little ? b.readUInt32LE(at) : b.readUInt32BE(at);
      break;
    default: {
      const big = spec.little ? b.readBigUInt64LE(at) : b.readBigUInt64BE(at);
      n = Number(big);
    }
  }
  if (spec.includesHeader) {
    if (n < spec.bytes) {
      throw new InvalidFrameError(
        `Frame ${frame}: length ${n} is smaller than its own ${spec.bytes}-byte header`,
        frame,
      );
    }
    n -= spec.bytes;
  }
  if (n > maxLength) throw new FrameTooLargeError(n, maxLength, frame);
  return n;
}

/** Bytes an unsigned LEB128 varint of `n` takes. */
export function varintSize(n: number): number {
  let size = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}
