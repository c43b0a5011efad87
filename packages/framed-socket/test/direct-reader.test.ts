import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type DirectReader, directReaderFor } from '../src/codecs/direct-reader.js';
import { lengthCodecCases } from './codec-cases.js';
import {
  DelimitedCodec,
  FixedLengthCodec,
  FrameTooLargeError,
  LengthPrefixedCodec,
  VarintLengthCodec,
} from '../src/index.js';

/**
 * Plays the kernel: each read copies at most `sizes[i]` bytes (when `sizes` is empty, as much as
 * the buffer the reader offers holds) into that buffer. Returns the number of reads.
 */
function feed(reader: DirectReader, bytes: Buffer, sizes: number[], out: Buffer[]): number {
  let off = 0;
  let reads = 0;
  while (off < bytes.length) {
    const target = reader.readBuffer();
    expect(target.length).toBeGreaterThan(0);
    const cap = sizes.length > 0 ? Math.max(1, sizes[reads % sizes.length]!) : target.length;
    const k = Math.min(target.length, bytes.length - off, cap);
    bytes.copy(target, 0, off, off + k);
    off += k;
    reader.commit(k, out);
    reads++;
  }
  return reads;
}

/** {@link feed}, then the end of the stream: every message decoded. */
function readAll(reader: DirectReader, bytes: Buffer, sizes: number[] = [], out: Buffer[] = []): Buffer[] {
  feed(reader, bytes, sizes, out);
  for (const m of reader.end()) out.push(m);
  return out;
}

/** What a decoder made of `bytes` fed in the given chunks: its messages, then its error if any. */
function outcome(run: (out: Buffer[]) => void): { messages: string[]; error: unknown } {
  const out: Buffer[] = [];
  try {
    run(out);
    return { messages: out.map((b) => b.toString('hex')), error: null };
  } catch (err) {
    const e = err as Error & Record<string, unknown>;
    return {
      messages: out.map((b) => b.toString('hex')),
      error: { ...e, name: e.name, code: e.code, message: e.message },
    };
  }
}

const codecs = lengthCodecCases;

describe.each(codecs)('DirectReader for $name', ({ codec, messages }) => {
  const reader = (): DirectReader => directReaderFor(codec)!;

  it('decodes what the codec encodes whatever sizes the reads have', () => {
    fc.assert(
      fc.property(messages, fc.array(fc.integer({ min: 1, max: 700 }), { maxLength: 12 }), (msgs, sizes) => {
        const bytes = codec.encodeAll(msgs);
        // No copy before comparing: a later read must never overwrite a message handed out earlier.
        expect(readAll(reader(), bytes, sizes)).toEqual(msgs);
        expect(readAll(reader(), bytes)).toEqual(msgs);
      }),
      { numRuns: 150 },
    );
  });

  it('decodes what the codec encodes, pushed with a cut at every possible split point', () => {
    fc.assert(
      fc.property(messages, (msgs) => {
        const bytes = codec.encodeAll(msgs);
        for (let cut = 0; cut <= bytes.length; cut++) {
          const r = reader();
          const out = r.push(bytes.subarray(0, cut));
          r.push(bytes.subarray(cut), out);
          out.push(...r.end());
          expect(out).toEqual(msgs);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('agrees with the chunk-list decoder on any bytes: messages, framing errors and EOF reports', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 400 }).map((u) => Buffer.from(u)),
        fc.array(fc.integer({ min: 1, max: 64 }), { maxLength: 8 }),
        (bytes, sizes) => {
          const expected = outcome((out) => {
            const d = codec.createDecoder();
            let off = 0;
            let i = 0;
            while (off < bytes.length) {
              const k = sizes.length > 0 ? sizes[i++ % sizes.length]! : bytes.length;
              d.push(bytes.subarray(off, off + k), out);
              off += k;
            }
            out.push(...d.end());
          });
          const got = outcome((out) => readAll(reader(), bytes, sizes, out));
          expect(got).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('DirectReader', () => {
  const codec = new LengthPrefixedCodec();

  it('reads each frame of a run of same-sized frames whole, as a view of the buffer it was read into', () => {
    const r = directReaderFor(codec)!;
    const size = 64 * 1024;
    const frame = codec.encode(Buffer.alloc(size, 7));
    const out: Buffer[] = [];
    r.commit(copyInto(r.readBuffer(), frame.subarray(0, 1000)), out);
    r.commit(copyInto(r.readBuffer(), frame.subarray(1000)), out);
    expect(out).toHaveLength(1);
    for (let i = 0; i < 5; i++) {
      const target = r.readBuffer();
      // The frame, plus a few bytes of room so that a read of exactly one frame comes back short.
      expect(target.length).toBeGreaterThanOrEqual(size + 4);
      expect(target.length).toBeLessThanOrEqual(size + 4 + 16);
      r.commit(copyInto(target, frame), out);
      const m = out.at(-1)!;
      expect(m.buffer).toBe(target.buffer);
      expect(m.byteOffset).toBe(target.byteOffset + 4);
      expect(m.length).toBe(size);
    }
    expect(out.every((m) => m.equals(Buffer.alloc(size, 7)))).toBe(true);
  });

  it('reads small frames many at a time: a frame cut by the end of a slab does not shrink the reads', () => {
    const r = directReaderFor(codec)!;
    const frames = 50_000;
    const bytes = codec.encodeAll(Array.from({ length: frames }, () => Buffer.alloc(16, 1)));
    const out: Buffer[] = [];
    // The kernel holds everything: each read fills the buffer it is offered.
    const reads = feed(r, bytes, [], out);
    expect(out).toHaveLength(frames);
    // 1 MB in reads of at least 16 KiB (a few short ones where a frame crossed a slab end).
    expect(reads).toBeLessThan((2 * bytes.length) / (16 * 1024));
  });

  it('reads the rest of a body that does not fit straight into the message buffer', () => {
    const r = directReaderFor(codec)!;
    const body = Buffer.alloc(200_000, 3);
    const frame = codec.encode(body);
    const out: Buffer[] = [];
    const first = r.readBuffer();
    r.commit(copyInto(first, frame.subarray(0, first.length)), out);
    const target = r.readBuffer();
    expect(target.length).toBeGreaterThanOrEqual(frame.length - first.length);
    expect(target.length).toBeLessThanOrEqual(frame.length - first.length + 16);
    r.commit(copyInto(target, frame.subarray(first.length)), out);
    expect(out).toHaveLength(1);
    expect(out[0]!.buffer).toBe(target.buffer);
    expect(out[0]!.equals(body)).toBe(true);
  });

  it('keeps memory to what arrived for a body above 1 MiB, and never offers more than 1 MiB per read', () => {
    const r = directReaderFor(codec)!;
    const header = codec.encode(Buffer.alloc(0));
    header.writeUInt32BE(16 * 1024 * 1024 - 1);
    r.commit(copyInto(r.readBuffer(), Buffer.concat([header, Buffer.alloc(10, 1)])));
    expect(r.buffered).toBe(14);
    expect(r.readBuffer().length).toBeLessThanOrEqual(1024 * 1024);
    const big = Buffer.alloc(3 * 1024 * 1024 + 5, 9);
    const r2 = directReaderFor(codec)!;
    const msgs = readAll(r2, codec.encodeAll([big, 'after']));
    expect(msgs.map((m) => m.length)).toEqual([big.length, 5]);
    expect(msgs[0]!.equals(big)).toBe(true);
  });

  it('rejects a 4 GB header before allocating its body; reads after the error go to a scratch buffer', () => {
    const r = directReaderFor(codec)!;
    const out: Buffer[] = [];
    r.commit(copyInto(r.readBuffer(), codec.encode('ok')), out);
    const bad = Buffer.from([0xff, 0xff, 0xff, 0xff, 1, 2, 3]);
    expect(() => r.commit(copyInto(r.readBuffer(), bad), out)).toThrow(FrameTooLargeError);
    expect(out.map(String)).toEqual(['ok']);
    expect(r.buffered).toBe(0);
    expect(r.readBuffer().length).toBeLessThanOrEqual(1);
    expect(() => r.commit(1)).toThrow(FrameTooLargeError);
    expect(() => r.end()).toThrow(FrameTooLargeError);
  });

  it('decodes the default format like the chunk-list decoder: runs of whole frames, empty ones, an oversize header mid-read', () => {
    // The default format has its own loop for the whole frames of a read; a small maxLength puts
    // oversize headers after some whole frames of the same read, where the frame count matters.
    // Messages are read out as soon as they are handed over (a message handed out before all of
    // its bytes arrived would show other bytes), and a stream may end inside a frame.
    const small = new LengthPrefixedCodec({ maxLength: 40 });
    const bodyArb = fc.uint8Array({ maxLength: 40 }).map((u) => Buffer.from(u));
    const frameArb = fc.oneof(
      { weight: 8, arbitrary: bodyArb.map((b) => small.encode(b)) },
      {
        weight: 1,
        arbitrary: fc.integer({ min: 41, max: 2 ** 32 - 1 }).map((n) => {
          const h = Buffer.alloc(4);
          h.writeUInt32BE(n);
          return h;
        }),
      },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 3 }).map((u) => Buffer.from(u)) },
    );
    const cutFrameArb = fc.tuple(bodyArb, fc.integer({ min: 1, max: 44 })).map(([b, cut]) => {
      const f = small.encode(b);
      return f.subarray(0, Math.max(0, f.length - cut));
    });
    const seen = (out: Buffer[], from: number, log: string[]): number => {
      for (let i = from; i < out.length; i++) log.push(out[i]!.toString('hex'));
      return out.length;
    };
    const result = (log: string[], run: () => void): { messages: string[]; error: unknown } => {
      const r = outcome(run);
      return { messages: log, error: r.error };
    };
    fc.assert(
      fc.property(
        fc.array(frameArb, { maxLength: 30 }),
        fc.option(cutFrameArb),
        fc.array(fc.integer({ min: 1, max: 200 }), { maxLength: 8 }),
        (parts, cut, sizes) => {
          const bytes = Buffer.concat(cut ? [...parts, cut] : parts);
          const want: string[] = [];
          const expected = result(want, () => {
            const d = small.createDecoder();
            const out: Buffer[] = [];
            let n = 0;
            let off = 0;
            let i = 0;
            while (off < bytes.length) {
              const k = sizes.length > 0 ? sizes[i++ % sizes.length]! : bytes.length;
              try {
                d.push(bytes.subarray(off, off + k), out);
              } finally {
                n = seen(out, n, want);
              }
              off += k;
            }
            out.push(...d.end());
            seen(out, n, want);
          });
          const got: string[] = [];
          const actual = result(got, () => {
            const r = directReaderFor(small)!;
            const out: Buffer[] = [];
            let n = 0;
            let off = 0;
            let reads = 0;
            while (off < bytes.length) {
              const target = r.readBuffer();
              const cap = sizes.length > 0 ? sizes[reads++ % sizes.length]! : target.length;
              const k = Math.min(target.length, bytes.length - off, cap);
              bytes.copy(target, 0, off, off + k);
              off += k;
              try {
                r.commit(k, out);
              } finally {
                n = seen(out, n, got);
              }
            }
            out.push(...r.end());
            seen(out, n, got);
          });
          expect(actual).toEqual(expected);
          const viaPush = outcome((out) => {
            const r = directReaderFor(small)!;
            r.push(bytes, out);
            out.push(...r.end());
          });
          expect(viaPush).toEqual({ messages: expected.messages, error: expected.error });
        },
      ),
      { numRuns: 400 },
    );
  });

  it('is only made for the codecs that carry a length', () => {
    expect(directReaderFor(new DelimitedCodec('\n'))).toBeNull();
    expect(directReaderFor(new VarintLengthCodec())).not.toBeNull();
    expect(directReaderFor(new FixedLengthCodec(3))).not.toBeNull();
  });
});

function copyInto(target: Buffer, bytes: Buffer): number {
  expect(bytes.length).toBeLessThanOrEqual(target.length);
  return bytes.copy(target, 0);
}
