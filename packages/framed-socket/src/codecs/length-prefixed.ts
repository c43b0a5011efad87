import { FrameTooLargeError, InvalidOptionError } from '../errors.js';
import { checkKeys, intOption } from '../options.js';
import { BaseCodec, EMPTY, type FrameDecoder } from './codec.js';
import { type FixedHeader, PrefixDecoder, varintSize } from './prefix-decoder.js';

/** 16 MiB: the default `maxLength` of the length-carrying codecs. */
export const DEFAULT_MAX_LENGTH = 16 * 1024 * 1024;

/** Options of {@link LengthPrefixedCodec}. */
export interface LengthPrefixedOptions {
  /** Size of the length field. @default 4 */
  lengthBytes?: 1 | 2 | 4 | 8;
  /** Byte order of the length field (`'big'` is network order, Python's `'>I'`). @default 'big' */
  endian?: 'big' | 'little';
  /** Whether the length counts the header bytes too. @default false */
  lengthIncludesHeader?: boolean;
  /**
   * Largest body accepted or sent, in bytes; checked as soon as a header arrives, before the body
   * is buffered. Capped by what the length field can express.
   * @default 16 MiB (16777216)
   */
  maxLength?: number;
}

const LP_KEYS = new Set(['lengthBytes', 'endian', 'lengthIncludesHeader', 'maxLength']);

/**
 * Each message is preceded by its length as an unsigned integer of 1, 2, 4 or 8 bytes: Python's
 * `struct.pack('>I', len(body)) + body` with the defaults.
 *
 * @example
 * const codec = new LengthPrefixedCodec({ lengthBytes: 2, endian: 'little' });
 * codec.encode('hi'); // <Buffer 02 00 68 69>
 */
export class LengthPrefixedCodec extends BaseCodec {
  readonly kind = 'length-prefixed' as const;
  readonly lengthBytes: 1 | 2 | 4 | 8;
  readonly endian: 'big' | 'little';
  readonly lengthIncludesHeader: boolean;
  readonly maxLength: number;
  readonly trailer = EMPTY;

  constructor(options: LengthPrefixedOptions = {}) {
    super();
    checkKeys('LengthPrefixedCodec', options, LP_KEYS);
    const lengthBytes = options.lengthBytes ?? 4;
    if (lengthBytes !== 1 && lengthBytes !== 2 && lengthBytes !== 4 && lengthBytes !== 8) {
      throw new InvalidOptionError('lengthBytes', `must be 1, 2, 4 or 8, got ${String(lengthBytes)}`);
    }
    const endian = options.endian ?? 'big';
    if (endian !== 'big' && endian !== 'little') {
      throw new InvalidOptionError('endian', `must be 'big' or 'little', got ${String(endian)}`);
    }
    const includes = options.lengthIncludesHeader ?? false;
    if (typeof includes !== 'boolean') {
      throw new InvalidOptionError('lengthIncludesHeader', 'must be a boolean');
    }
    const fieldMax = lengthBytes === 8 ? Number.MAX_SAFE_INTEGER : 2 ** (8 * lengthBytes) - 1;
    const cap = includes ? fieldMax - lengthBytes : fieldMax;
    this.lengthBytes = lengthBytes;
    this.endian = endian;
    this.lengthIncludesHeader = includes;
    this.maxLength = intOption('maxLength', options.maxLength ?? Math.min(DEFAULT_MAX_LENGTH, cap), 0, cap);
    Object.freeze(this);
  }

  headerLength(body: Uint8Array): number {
    if (body.length > this.maxLength) throw new FrameTooLargeError(body.length, this.maxLength, -1);
    return this.lengthBytes;
  }

  writeHeader(body: Uint8Array, target: Uint8Array, offset: number): number {
    if (body.length > this.maxLength) throw new FrameTooLargeError(body.length, this.maxLength, -1);
    const n = this.lengthIncludesHeader ? body.length + this.lengthBytes : body.length;
    // Byte stores instead of Buffer#writeUInt*: cheaper for the many tiny frames of a batch.
    if (this.lengthBytes === 4 && this.endian === 'big') {
      target[offset] = n >>> 24;
      target[offset + 1] = (n >>> 16) & 255;
      target[offset + 2] = (n >>> 8) & 255;
      target[offset + 3] = n & 255;
    } else if (this.endian === 'big') {
      for (let i = this.lengthBytes - 1, v = n; i >= 0; i--) {
        target[offset + i] = v % 256;
        v = Math.floor(v / 256);
      }
    } else {
      for (let i = 0, v = n; i < this.lengthBytes; i++) {
        target[offset + i] = v % 256;
        v = Math.floor(v / 256);
      }
    }
    return offset + this.lengthBytes;
  }

  createDecoder(): FrameDecoder {
    return new PrefixDecoder(lengthPrefixedHeader(this), this.maxLength);
  }
}

/** The header spec the decoders read a {@link LengthPrefixedCodec}'s frames with. */
export function lengthPrefixedHeader(codec: LengthPrefixedCodec): FixedHeader {
  return {
    type: 'fixed',
    bytes: codec.lengthBytes,
    little: codec.endian === 'little',
    includesHeader: codec.lengthIncludesHeader,
  };
}

/** Options of {@link VarintLengthCodec}. */
export interface VarintLengthOptions {
  /** Largest body accepted or sent, in bytes. @default 16 MiB (16777216) */
  maxLength?: number;
}

const VARINT_KEYS = new Set(['maxLength']);

/**
 * Each message is preceded by its length as an unsigned LEB128 varint (protobuf's length-delimited
 * framing, the format of it-length-prefixed and libp2p). The length is checked byte by byte, so a
 * hostile varint is rejected before it even ends.
 *
 * @example
 * new VarintLengthCodec().encode(Buffer.alloc(300)).subarray(0, 2); // <Buffer ac 02>
 */
export class VarintLengthCodec extends BaseCodec {
  readonly kind = 'varint-length' as const;
  readonly maxLength: number;
  readonly trailer = EMPTY;

  constructor(options: VarintLengthOptions = {}) {
    super();
    checkKeys('VarintLengthCodec', options, VARINT_KEYS);
    this.maxLength = intOption('maxLength', options.maxLength ?? DEFAULT_MAX_LENGTH, 0, 2 ** 53 - 1);
    Object.freeze(this);
  }

  headerLength(body: Uint8Array): number {
    if (body.length > this.maxLength) throw new FrameTooLargeError(body.length, this.maxLength, -1);
    return varintSize(body.length);
  }

  writeHeader(body: Uint8Array, target: Uint8Array, offset: number): number {
    if (body.length > this.maxLength) throw new FrameTooLargeError(body.length, this.maxLength, -1);
    let n = body.length;
    while (n >= 128) {
      target[offset++] = (n & 0x7f) | 0x80;
      n = Math.floor(n / 128);
    }
    target[offset++] = n;
    return offset;
  }

  createDecoder(): FrameDecoder {
    return new PrefixDecoder({ type: 'varint' }, this.maxLength);
  }
}
