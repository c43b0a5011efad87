import { Buffer } from 'node:buffer';

/** Makes a Buffer over `length` bytes of `memory` from `offset` (the caller keeps it in bounds). */
export type ViewMaker = (memory: ArrayBufferLike, offset: number, length: number) => Buffer;

type BufferClass = new (memory: ArrayBufferLike, offset: number, length: number) => Buffer;

/**
 * The view maker for a given Buffer species constructor. `Buffer[Symbol.species]` is the class
 * Node builds every Buffer with (what `buf.subarray()` constructs through the standard species
 * protocol): calling it directly makes the same Buffer as `Buffer.from(memory, offset, length)`
 * without that function's argument dispatch and checks, in about half the time, and the decoders
 * make one view per message. Anything that does not behave like that class falls back to
 * `Buffer.from`.
 */
export function viewMaker(species: unknown): ViewMaker {
  if (typeof species === 'function' && species !== Buffer && species.prototype === Buffer.prototype) {
    const Ctor = species as BufferClass;
    try {
      const probe = new Ctor(new ArrayBuffer(4), 1, 2);
      if (Buffer.isBuffer(probe) && probe.byteOffset === 1 && probe.length === 2) {
        return function speciesView(memory, offset, length) {
          return new Ctor(memory, offset, length);
        };
      }
    } catch {
      // Not a typed-array constructor after all.
    }
  }
  return function fromView(memory, offset, length) {
    return Buffer.from(memory, offset, length);
  };
}

/** Makes each decoded message's view of the buffer it was read into. */
export const makeView: ViewMaker = viewMaker(
  (Buffer as unknown as { [Symbol.species]: unknown })[Symbol.species],
);
