import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeView, viewMaker } from '../src/codecs/view.js';

const species = (Buffer as unknown as { [Symbol.species]: unknown })[Symbol.species];
const fallback = viewMaker(undefined);

/** Everything a caller can observe about a view, and whether it shares `memory`. */
function describeView(view: Buffer, memory: ArrayBuffer) {
  return {
    isBuffer: Buffer.isBuffer(view),
    prototype: Object.getPrototypeOf(view) === Buffer.prototype,
    constructor: view.constructor === Buffer,
    sameMemory: view.buffer === memory,
    byteOffset: view.byteOffset,
    length: view.length,
    hex: view.toString('hex'),
    sliced: view.subarray(1).toString('hex'),
    isSliceBuffer: Buffer.isBuffer(view.subarray(0)),
  };
}

describe('message views', () => {
  it('the species-made view is the same Buffer that Buffer.from makes, over the same memory', () => {
    expect(species).not.toBe(Buffer);
    const direct = viewMaker(species);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.nat(), fc.nat(), (bytes, a, b) => {
        const memory = new ArrayBuffer(bytes.length);
        new Uint8Array(memory).set(bytes);
        const offset = a % (bytes.length + 1);
        const length = b % (bytes.length - offset + 1);
        const got = direct(memory, offset, length);
        const want = Buffer.from(memory, offset, length);
        expect(describeView(got, memory)).toEqual(describeView(want, memory));
        expect(describeView(fallback(memory, offset, length), memory)).toEqual(describeView(want, memory));
        if (length > 0) {
          // A view, not a copy: writes go through both ways.
          got[0] = (got[0]! + 1) & 255;
          expect(want[0]).toBe(got[0]);
        }
      }),
    );
  });

  it('the decoders use the species-made view on this Node, and fall back to Buffer.from otherwise', () => {
    expect(makeView.name).toBe('speciesView');
    const memory = new ArrayBuffer(8);
    expect(describeView(makeView(memory, 2, 3), memory)).toEqual(
      describeView(Buffer.from(memory, 2, 3), memory),
    );
    // Anything that is not Buffer's own class is not trusted: Buffer itself (its constructor is
    // deprecated), a plain typed-array class, a function that throws, a non-function.
    class NotBuffer extends Uint8Array {}
    const throwing = function Throwing() {
      throw new Error('no');
    };
    throwing.prototype = Buffer.prototype;
    for (const candidate of [Buffer, Uint8Array, NotBuffer, throwing, undefined, 42]) {
      const make = viewMaker(candidate);
      expect(make.name).toBe('fromView');
      const v = make(memory, 1, 4);
      expect(describeView(v, memory)).toEqual(describeView(Buffer.from(memory, 1, 4), memory));
    }
  });
});
