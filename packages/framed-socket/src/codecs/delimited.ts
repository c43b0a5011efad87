import { Buffer } from 'node:buffer';
import { FrameTooLargeError, InvalidFrameError, InvalidOptionError, UnexpectedEofError } from '../errors.js';
import { checkKeys, intOption } from '../options.js';
import { ChunkList } from './chunk-list.js';
import { asBuffer, BaseCodec, type FrameDecoder } from './codec.js';

/** 1 MiB: the default `maxLength` of {@link DelimitedCodec}. */
export const DEFAULT_MAX_DELIMITED_LENGTH = 1024 * 1024;

/** Options of {@link DelimitedCodec}. */
export interface DelimitedOptions {
  /**
   * Largest message (without the delimiter) accepted or sent. The decoder never holds more than
   * `maxLength + delimiter.length - 1` bytes of one frame.
   * @default 1 MiB (1048576)
   */
  maxLength?: number;
  /** Whether decoded messages keep their trailing delimiter. @default false */
  includeDelimiter?: boolean;
  /**
   * What the decoder does with a frame longer than `maxLength`: `'error'` throws
   * {@link FrameTooLargeError} (a connection then closes), `'skip'` drops bytes up to and including
   * the next delimiter and carries on (counted in `decoder.skipped`).
   * @default 'error'
   */
  onTooLarge?: 'error' | 'skip';
  /**
   * What the decoder does with bytes after the last delimiter when the stream ends: `'error'`
   * throws {@link UnexpectedEofError}, `'emit'` returns them as a last message (like reading lines
   * of a file without a final newline).
   * @default 'error'
   */
  trailing?: 'error' | 'emit';
}

const KEYS = new Set(['maxLength', 'includeDelimiter', 'onTooLarge', 'trailing']);

/**
 * Messages end with a delimiter of one or more bytes (`'\n'`, `'\r\n'`, `'\0'`...). A message may
 * not contain the delimiter: encoding one that does throws {@link InvalidFrameError}.
 *
 * @example
 * const codec = new DelimitedCodec('\r\n', { maxLength: 8192 });
 * codec.decode(Buffer.from('a\r\nbc\r\n')); // [<Buffer 61>, <Buffer 62 63>]
 */
export class DelimitedCodec extends BaseCodec {
  readonly kind = 'delimited' as const;
  /** The delimiter bytes. */
  readonly delimiter: Buffer;
  readonly maxLength: number;
  readonly includeDelimiter: boolean;
  readonly onTooLarge: 'error' | 'skip';
  readonly trailing: 'error' | 'emit';
  readonly trailer: Buffer;

  /** @param delimiter a non-empty string (UTF-8) or byte array. */
  constructor(delimiter: Uint8Array | string = '\n', options: DelimitedOptions = {}) {
    super();
    checkKeys('DelimitedCodec', options, KEYS);
    const delim =
      typeof delimiter === 'string' ? Buffer.from(delimiter, 'utf8') : Buffer.from(asBuffer(delimiter));
    if (delim.length === 0) throw new InvalidOptionError('delimiter', 'must not be empty');
    this.delimiter = delim;
    this.trailer = delim;
    this.maxLength = intOption('maxLength', options.maxLength ?? DEFAULT_MAX_DELIMITED_LENGTH, 0);
    const include = options.includeDelimiter ?? false;
    if (typeof include !== 'boolean') throw new InvalidOptionError('includeDelimiter', 'must be a boolean');
    this.includeDelimiter = include;
    const policy = options.onTooLarge ?? 'error';
    if (policy !== 'error' && policy !== 'skip') {
      throw new InvalidOptionError('onTooLarge', `must be 'error' or 'skip', got ${String(policy)}`);
    }
    this.onTooLarge = policy;
    const trailing = options.trailing ?? 'error';
    if (trailing !== 'error' && trailing !== 'emit') {
      throw new InvalidOptionError('trailing', `must be 'error' or 'emit', got ${String(trailing)}`);
    }
    this.trailing = trailing;
    Object.freeze(this);
  }

  headerLength(body: Uint8Array): number {
    if (body.length > this.maxLength) throw new FrameTooLargeError(body.length, this.maxLength, -1);
    const at = asBuffer(body).indexOf(this.delimiter);
    if (at !== -1) {
      throw new InvalidFrameError(`The message contains the delimiter at byte ${at}`, -1);
    }
    return 0;
  }

  writeHeader(body: Uint8Array, _target: Uint8Array, offset: number): number {
    this.headerLength(body);
    return offset;
  }

  createDecoder(): FrameDecoder {
    return new DelimitedDecoder(this);
  }
}

class DelimitedDecoder implements FrameDecoder {
  readonly #delim: Buffer;
  readonly #max: number;
  readonly #include: boolean;
  readonly #skipMode: boolean;
  readonly #emitTrailing: boolean;
  /** Bytes of the current frame that have no delimiter yet. */
  readonly #kept = new ChunkList();
  /** Bytes of the current oversize frame already dropped (skip mode), or -1 when not skipping. */
  #dropping = -1;
  #frames = 0;
  #skipped = 0;
  #error: Error | null = null;

  constructor(codec: DelimitedCodec) {
    this.#delim = codec.delimiter;
    this.#max = codec.maxLength;
    this.#include = codec.includeDelimiter;
    this.#skipMode = codec.onTooLarge === 'skip';
    this.#emitTrailing = codec.trailing === 'emit';
  }

  get buffered(): number {
    return this.#kept.length;
  }

  get frames(): number {
    return this.#frames;
  }

  get skipped(): number {
    return this.#skipped;
  }

  push(chunk: Uint8Array, out: Buffer[] = []): Buffer[] {
    if (this.#error) throw this.#error;
    const buf = asBuffer(chunk);
    const len = buf.length;
    const d = this.#delim;
    const dl = d.length;
    let off = 0;
    try {
      // A delimiter that started in earlier chunks and ends in this one.
      if (dl > 1 && this.#kept.length > 0 && len > 0) {
        const k = Math.min(dl - 1, this.#kept.length);
        const probe = Buffer.concat([this.#kept.tail(k), buf.subarray(0, Math.min(dl - 1, len))]);
        const p = probe.indexOf(d);
        if (p !== -1 && p < k) {
          const end = p + dl - k; // delimiter end offset inside buf
          this.#finish(this.#kept.length - (k - p), out);
          off = end;
        }
      }
      while (off < len) {
        const idx = dl === 1 ? buf.indexOf(d[0]!, off) : buf.indexOf(d, off);
        if (idx === -1) {
          this.#keep(buf.subarray(off));
          break;
        }
        this.#finishWith(buf, off, idx, out);
        off = idx + dl;
      }
    } catch (err) {
      this.#error = err as Error;
      this.#kept.clear();
      throw err;
    }
    return out;
  }

  end(): Buffer[] {
    if (this.#error) throw this.#error;
    if (this.#dropping >= 0) {
      this.#endSkip();
      return [];
    }
    if (this.#kept.length === 0) return [];
    if (!this.#emitTrailing) throw new UnexpectedEofError(this.#frames, this.#kept.length, undefined);
    const msg = this.#kept.take();
    this.#frames++;
    return [msg];
  }

  /** Buffers bytes that have no delimiter yet, enforcing maxLength before keeping them. */
  #keep(bytes: Buffer): void {
    if (bytes.length === 0) return;
    const dl = this.#delim.length;
    if (this.#dropping >= 0) {
      // Only the last dl-1 bytes can still be the start of the delimiter that ends the skip.
      this.#dropping += bytes.length;
      this.#kept.push(bytes);
      this.#kept.keepTail(dl - 1);
      return;
    }
    const total = this.#kept.length + bytes.length;
    // At most dl-1 trailing bytes can belong to a delimiter; the rest is certainly body.
    if (total - (dl - 1) > this.#max) {
      const seen = total - (dl - 1);
      if (!this.#skipMode) throw new FrameTooLargeError(seen, this.#max, this.#frames);
      this.#dropping = total;
      this.#kept.push(bytes);
      this.#kept.keepTail(dl - 1);
      return;
    }
    this.#kept.push(bytes);
  }

  /** Completes a frame made of the kept parts plus buf[from, idx), delimiter at idx. */
  #finishWith(buf: Buffer, from: number, idx: number, out: Buffer[]): void {
    const kept = this.#kept;
    if (!this.#admit(kept.length + (idx - from))) return;
    const end = this.#include ? idx + this.#delim.length : idx;
    if (kept.length === 0) {
      out.push(buf.subarray(from, end));
    } else {
      kept.push(buf.subarray(from, end));
      out.push(kept.take());
    }
    this.#frames++;
  }

  /** Completes a frame whose delimiter began inside the kept parts, `bodyLen` bytes in. */
  #finish(bodyLen: number, out: Buffer[]): void {
    if (!this.#admit(bodyLen)) return;
    const body = this.#kept.take(bodyLen);
    out.push(this.#include ? Buffer.concat([body, this.#delim]) : body);
    this.#frames++;
  }

  /**
   * Whether a frame whose delimiter was found, `bodyLen` bytes long, is emitted: not when it ends a
   * skip or is itself oversize (then it is dropped in skip mode, or throws).
   */
  #admit(bodyLen: number): boolean {
    if (this.#dropping < 0) {
      if (bodyLen <= this.#max) return true;
      if (!this.#skipMode) throw new FrameTooLargeError(bodyLen, this.#max, this.#frames);
    }
    this.#endSkip();
    return false;
  }

  #endSkip(): void {
    this.#dropping = -1;
    this.#skipped++;
    this.#kept.clear();
  }
}
