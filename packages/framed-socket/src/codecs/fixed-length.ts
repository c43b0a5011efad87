import { InvalidFrameError } from '../errors.js';
import { intOption } from '../options.js';
import { BaseCodec, EMPTY, type FrameDecoder } from './codec.js';
import { PrefixDecoder } from './prefix-decoder.js';

/**
 * Every message is exactly `size` bytes: the Python socket HOWTO's `MSGLEN` socket. Encoding a
 * message of another length throws {@link InvalidFrameError}.
 *
 * @example
 * const codec = new FixedLengthCodec(8);
 * codec.encode('12345678'); // <Buffer 31 32 ... 38>
 */
export class FixedLengthCodec extends BaseCodec {
  readonly kind = 'fixed-length' as const;
  /** The frame size in bytes. */
  readonly size: number;
  readonly maxLength: number;
  readonly trailer = EMPTY;

  /** @param size bytes per message, an integer >= 1. */
  constructor(size: number) {
    super();
    this.size = intOption('size', size, 1, 2 ** 31 - 1);
    this.maxLength = this.size;
    Object.freeze(this);
  }

  headerLength(body: Uint8Array): number {
    if (body.length !== this.size) {
      throw new InvalidFrameError(
        `FixedLengthCodec(${this.size}) cannot send a ${body.length}-byte message`,
        -1,
      );
    }
    return 0;
  }

  writeHeader(body: Uint8Array, _target: Uint8Array, offset: number): number {
    this.headerLength(body);
    return offset;
  }

  createDecoder(): FrameDecoder {
    return new PrefixDecoder({ type: 'none', size: this.size }, this.size);
  }
}
