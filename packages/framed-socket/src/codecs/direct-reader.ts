import { Buffer } from 'node:buffer';
import { FrameTooLargeError, InvalidFrameError, UnexpectedEofError } from '../errors.js';
import { ChunkList } from './chunk-list.js';
import { asBuffer, type Codec, EMPTY, type FrameDecoder } from './codec.js';
import { makeView } from './view.js';
import { FixedLengthCodec } from './fixed-length.js';
import { LengthPrefixedCodec, lengthPrefixedHeader, VarintLengthCodec } from './length-prefixed.js';
import { type HeaderSpec, isBe32, MAX_VARINT_BYTES, readFixedLength, varintSize } from './prefix-decoder.js';

/** Smallest read buffer handed to the socket at a frame boundary. */
const MIN_READ = 16 * 1024;
/** Size of a fresh read buffer when frames are small. */
const SLAB = 64 * 1024;
/** Largest read buffer; frames predicted above this are read in pieces. */
const MAX_SLAB = 1024 * 1024;
/**
 * Bodies up to this size get a slab of their own as soon as their header is known, and the socket
 * reads straight into it. Larger bodies are collected as they arrive (memory follows the bytes
 * received, not what a header claims) and joined once at the end.
 */
const MAX_DIRECT = 1024 * 1024;
/**
 * Room left after a predicted frame: a read that brings exactly one frame then comes back short of
 * the buffer, and libuv stops reading (a read that fills its buffer is followed by one more read,
 * usually EAGAIN). A next header landing there is at most 8 bytes to move.
 */
const HEADROOM = 8;
const SCRATCH = Buffer.alloc(1);

/**
 * The read side of the length-carrying codecs when the socket lets us choose where each read lands
 * (`net.connect({ onread })`): `readBuffer()` says where the kernel should write next, `commit(n)`
 * decodes the `n` bytes it wrote there.
 *
 * - At a frame boundary the read goes into a slab sized for the frame seen last, so a run of
 *   same-sized frames arrives one whole frame per read and each message is a view of the slab
 *   (no copy). Small frames share a slab the way they shared Node's read chunks before.
 * - A frame that does not fit in the slab gets a slab of its own once its header is known (after
 *   the `maxLength` check): the bytes already received move there once and the rest is read
 *   straight into it.
 *
 * `push()` feeds the same state machine by copying a chunk into the read buffers, so it decodes
 * exactly like {@link PrefixDecoder} (the property tests compare the two).
 */
export class DirectReader implements FrameDecoder {
  readonly #spec: HeaderSpec;
  readonly #maxLength: number;
  #slab: Buffer = EMPTY;
  /** First byte of the incomplete frame held in the slab. */
  #start = 0;
  /** End of the bytes read into the slab. */
  #end = 0;
  /** Header + body bytes of the last frame whose header was read (the next read's size hint). */
  #hint = 0;
  /** Header size of the frame in `#parts`. */
  #bodyHeader = 0;
  /** A large body collected in pieces. */
  #parts: ChunkList | null = null;
  #partsNeed = 0;
  #piece: Buffer = EMPTY;
  #piecePos = 0;
  #frames = 0;
  #error: Error | null = null;
  /** Header size found by the last `#header()` call. */
  #headerSize = 0;
  /** The default format (4-byte big-endian length, header not counted), decoded inline. */
  readonly #be32: boolean;

  constructor(spec: HeaderSpec, maxLength: number) {
    this.#spec = spec;
    this.#maxLength = maxLength;
    this.#be32 = isBe32(spec);
  }

  get buffered(): number {
    if (this.#parts) return this.#bodyHeader + this.#parts.length;
    return this.#end - this.#start;
  }

  get frames(): number {
    return this.#frames;
  }

  get skipped(): number {
    return 0;
  }

  /**
   * Where the next read should land: never empty. After a framing error it returns a scratch
   * buffer (the connection is being destroyed; nothing read there is decoded).
   */
  readBuffer(): Buffer {
    if (this.#error) return SCRATCH;
    const parts = this.#parts;
    if (parts) {
      if (this.#piecePos === this.#piece.length) {
        this.#piece = Buffer.allocUnsafeSlow(Math.min(this.#partsNeed - parts.length, MAX_SLAB));
        this.#piecePos = 0;
      }
      return this.#piece.subarray(this.#piecePos);
    }
    const slab = this.#slab;
    const free = slab.length - this.#end;
    const held = this.#end - this.#start;
    // A frame whose body is partly here was left in the slab only because it fits: keep going.
    if (held > 0 && this.#header(slab, this.#start, this.#end) >= 0) return slab.subarray(this.#end);
    const want = Math.min(Math.max(this.#hint + HEADROOM, MIN_READ), MAX_SLAB);
    if (free >= want) return slab.subarray(this.#end);
    // A fresh slab; the few bytes of a partial header move along with it.
    const fresh = Buffer.allocUnsafeSlow(held + Math.max(want, SLAB));
    if (held > 0) slab.copy(fresh, 0, this.#start, this.#end);
    this.#slab = fresh;
    this.#start = 0;
    this.#end = held;
    return fresh.subarray(held);
  }

  /**
   * Decodes the `n` bytes the socket wrote at the start of the last {@link readBuffer} and returns
   * the messages they completed (appended to `out`). Throws like {@link FrameDecoder.push}.
   */
  commit(n: number, out: Buffer[] = []): Buffer[] {
    if (this.#error) throw this.#error;
    try {
      const parts = this.#parts;
      if (parts) {
        parts.push(this.#piece.subarray(this.#piecePos, this.#piecePos + n));
        this.#piecePos += n;
        if (parts.length === this.#partsNeed) {
          this.#parts = null;
          this.#piece = EMPTY;
          this.#piecePos = 0;
          this.#frames++;
          out.push(parts.take());
        }
        return out;
      }
      const slab = this.#slab;
      // Each message is a view of the slab made by makeView (see view.ts) rather than with
      // slab.subarray(), which spends its extra time in the generic species lookup.
      const memory = slab.buffer;
      const base = slab.byteOffset;
      const end = this.#end + n;
      let pos = this.#start;
      if (this.#be32) {
        // The default format's whole frames, the common case, inline and with the counters in locals
        // (this loop runs once per message). The loop below takes over at a frame that is not
        // complete.
        const max = this.#maxLength;
        let frames = this.#frames;
        let last = -1;
        while (end - pos >= 4) {
          const len =
            slab[pos]! * 0x1000000 + (slab[pos + 1]! << 16) + (slab[pos + 2]! << 8) + slab[pos + 3]!;
          if (len > max) {
            this.#frames = frames;
            throw new FrameTooLargeError(len, max, frames);
          }
          if (pos + 4 + len > end) break;
          out.push(len === 0 ? EMPTY : makeView(memory, base + pos + 4, len));
          frames++;
          last = len;
          pos += 4 + len;
        }
        this.#frames = frames;
        if (last >= 0) this.#hint = 4 + last;
      }
      // Other formats' frames, and in the default format the one frame the loop above stopped at.
      while (pos < end) {
        const len = this.#header(slab, pos, end);
        if (len < 0) break;
        const head = this.#headerSize;
        const frameEnd = pos + head + len;
        this.#hint = head + len;
        if (frameEnd <= end) {
          out.push(len === 0 ? EMPTY : makeView(memory, base + pos + head, len));
          this.#frames++;
          pos = frameEnd;
          continue;
        }
        if (frameEnd > slab.length) {
          // The rest of this frame will not fit in the slab.
          if (len <= MAX_DIRECT) {
            // A fresh slab with room for all of it (a slab of its own when it is large): what
            // arrived moves there once, the rest is read straight into it.
            const own = Buffer.allocUnsafeSlow(Math.max(head + len + HEADROOM, SLAB));
            slab.copy(own, 0, pos, end);
            this.#slab = own;
            this.#start = 0;
            this.#end = end - pos;
            return out;
          }
          const list = new ChunkList();
          if (end > pos + head) list.push(slab.subarray(pos + head, end));
          this.#parts = list;
          this.#partsNeed = len;
          this.#bodyHeader = head;
          pos = end;
        }
        break;
      }
      this.#start = pos;
      this.#end = end;
    } catch (err) {
      this.#error = err as Error;
      this.#slab = EMPTY;
      this.#start = 0;
      this.#end = 0;
      this.#parts = null;
      throw err;
    }
    return out;
  }

  push(chunk: Uint8Array, out: Buffer[] = []): Buffer[] {
    if (this.#error) throw this.#error;
    const buf = asBuffer(chunk);
    let off = 0;
    while (off < buf.length) {
      const target = this.readBuffer();
      const k = Math.min(target.length, buf.length - off);
      buf.copy(target, 0, off, off + k);
      off += k;
      this.commit(k, out);
    }
    return out;
  }

  end(): Buffer[] {
    if (this.#error) throw this.#error;
    const spec = this.#spec;
    const parts = this.#parts;
    if (parts) {
      const size = this.#partsNeed;
      const head = spec.type === 'varint' ? varintSize(size) : this.#bodyHeader;
      throw new UnexpectedEofError(this.#frames, head + parts.length, head + size);
    }
    const held = this.#end - this.#start;
    if (held > 0) {
      const len = this.#header(this.#slab, this.#start, this.#end);
      if (len < 0) throw new UnexpectedEofError(this.#frames, held, undefined);
      // Reported like PrefixDecoder: a varint header counts as its shortest encoding.
      const head = spec.type === 'varint' ? varintSize(len) : this.#headerSize;
      throw new UnexpectedEofError(this.#frames, head + (held - this.#headerSize), head + len);
    }
    return [];
  }

  /**
   * The body length announced by the header at `pos` (its size goes to `#headerSize`), or -1 when
   * the header is not complete yet. Limits are checked as in {@link PrefixDecoder}: a varint as
   * soon as its partial value exceeds `maxLength`.
   */
  #header(b: Buffer, pos: number, end: number): number {
    const spec = this.#spec;
    if (spec.type === 'none') {
      this.#headerSize = 0;
      return spec.size;
    }
    if (spec.type === 'fixed') {
      if (end - pos < spec.bytes) return -1;
      this.#headerSize = spec.bytes;
      return readFixedLength(spec, b, pos, this.#maxLength, this.#frames);
    }
    let value = 0;
    let mul = 1;
    for (let i = 0; pos + i < end; i++) {
      const byte = b[pos + i]!;
      value += (byte & 0x7f) * mul;
      mul *= 128;
      if (value > this.#maxLength) throw new FrameTooLargeError(value, this.#maxLength, this.#frames);
      if ((byte & 0x80) === 0) {
        this.#headerSize = i + 1;
        return value;
      }
      if (i + 1 >= MAX_VARINT_BYTES) {
        throw new InvalidFrameError(
          `Frame ${this.#frames}: varint length longer than ${MAX_VARINT_BYTES} bytes`,
          this.#frames,
        );
      }
    }
    return -1;
  }
}

/** A {@link DirectReader} for the built-in length-carrying codecs, or null for any other codec. */
export function directReaderFor(codec: Codec): DirectReader | null {
  if (codec instanceof LengthPrefixedCodec) {
    return new DirectReader(lengthPrefixedHeader(codec), codec.maxLength);
  }
  if (codec instanceof VarintLengthCodec) return new DirectReader({ type: 'varint' }, codec.maxLength);
  if (codec instanceof FixedLengthCodec)
    return new DirectReader({ type: 'none', size: codec.size }, codec.size);
  return null;
}
