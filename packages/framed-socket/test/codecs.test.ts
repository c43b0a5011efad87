import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Codec,
  DelimitedCodec,
  decodeStream,
  FixedLengthCodec,
  FrameTooLargeError,
  InvalidFrameError,
  InvalidOptionError,
  LengthPrefixedCodec,
  UnexpectedEofError,
  VarintLengthCodec,
} from '../src/index.js';
import { bytesArb, type CodecCase, lengthCodecCases } from './codec-cases.js';

/** Decodes `bytes` fed as the given chunks. */
function decodeChunks(codec: Codec, bytes: Buffer, cuts: number[]): Buffer[] {
  const d = codec.createDecoder();
  const out: Buffer[] = [];
  let prev = 0;
  for (const c of [...cuts].sort((a, b) => a - b).concat(bytes.length)) {
    d.push(bytes.subarray(prev, c), out);
    prev = c;
  }
  out.push(...d.end());
  return out;
}

const codecs: CodecCase[] = [
  ...lengthCodecCases,
  {
    name: "DelimitedCodec('\\n')",
    codec: new DelimitedCodec('\n'),
    messages: fc.array(bytesArb.map((b) => Buffer.from(b.filter((x) => x !== 10)))),
  },
  {
    name: "DelimitedCodec('\\r\\n\\r\\n')",
    codec: new DelimitedCodec('\r\n\r\n'),
    // Bytes drawn from a tiny alphabet so that near-delimiters (\r\n\r, \n\r\n) are frequent.
    messages: fc.array(
      fc
        .array(fc.constantFrom(13, 10, 97), { maxLength: 40 })
        .map((a) => Buffer.from(a))
        .filter(
          (b) =>
            b.indexOf('\r\n\r\n') === -1 &&
            !b.subarray(-3).equals(Buffer.from('\r\n\r')) &&
            !b.subarray(-2).equals(Buffer.from('\r\n')) &&
            b.at(-1) !== 13,
        ),
    ),
  },
];

describe.each(codecs)('$name', ({ codec, messages }) => {
  it('decodes what it encodes, cut at every possible split point', () => {
    fc.assert(
      fc.property(messages, (msgs) => {
        const bytes = codec.encodeAll(msgs);
        for (let cut = 0; cut <= bytes.length; cut++) {
          expect(decodeChunks(codec, bytes, [cut])).toEqual(msgs);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('decodes what it encodes under random chunkings, byte by byte included', () => {
    fc.assert(
      fc.property(
        messages.chain((msgs) => {
          const len = codec.encodeAll(msgs).length;
          return fc.tuple(fc.constant(msgs), fc.array(fc.nat({ max: len }), { maxLength: 20 }));
        }),
        ([msgs, cuts]) => {
          const bytes = codec.encodeAll(msgs);
          expect(decodeChunks(codec, bytes, cuts)).toEqual(msgs);
          const single = Array.from({ length: bytes.length }, (_, i) => i);
          expect(decodeChunks(codec, bytes, single)).toEqual(msgs);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('encode of one message equals encodeAll of a list of one', () => {
    fc.assert(
      fc.property(messages, (msgs) => {
        for (const m of msgs) expect(codec.encode(m)).toEqual(codec.encodeAll([m]));
      }),
      { numRuns: 30 },
    );
  });
});

describe('decodeStream', () => {
  it('decodes any async byte stream and reports a truncated end', async () => {
    const codec = new VarintLengthCodec();
    const bytes = codec.encodeAll(['one', 'two', 'three']);
    async function* chunks(b: Buffer) {
      for (let i = 0; i < b.length; i += 3) yield b.subarray(i, i + 3);
    }
    const got: string[] = [];
    for await (const m of decodeStream(chunks(bytes), codec)) got.push(String(m));
    expect(got).toEqual(['one', 'two', 'three']);
    const truncated = decodeStream(chunks(bytes.subarray(0, -1)), codec);
    await expect(
      (async () => {
        for await (const _ of truncated) void _;
      })(),
    ).rejects.toBeInstanceOf(UnexpectedEofError);
  });
});

describe('LengthPrefixedCodec', () => {
  it("writes Python's struct.pack('>I', n) header by default", () => {
    expect(new LengthPrefixedCodec().encode('hey')).toEqual(Buffer.from([0, 0, 0, 3, 0x68, 0x65, 0x79]));
  });

  it('counts the header when lengthIncludesHeader is set', () => {
    const c = new LengthPrefixedCodec({ lengthBytes: 2, lengthIncludesHeader: true });
    expect(c.encode('ab')).toEqual(Buffer.from([0, 4, 0x61, 0x62]));
  });

  it('rejects a 4 GB header at once, holding no more than the header', () => {
    const d = new LengthPrefixedCodec().createDecoder();
    const out: Buffer[] = [];
    d.push(new LengthPrefixedCodec().encode('ok'), out);
    let err: unknown;
    try {
      d.push(Buffer.from([0xff, 0xff, 0xff, 0xff, 1, 2, 3]), out);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FrameTooLargeError);
    expect(err).toMatchObject({
      code: 'FRAME_TOO_LARGE',
      length: 0xffffffff,
      maxLength: 16 * 1024 * 1024,
      frameIndex: 1,
    });
    expect(out.map(String)).toEqual(['ok']);
    expect(d.buffered).toBe(0);
    expect(() => d.push(Buffer.from([0]))).toThrow(FrameTooLargeError);
  });

  it('rejects an oversize header split across two chunks', () => {
    const d = new LengthPrefixedCodec({ maxLength: 100 }).createDecoder();
    d.push(Buffer.from([0, 0]));
    expect(() => d.push(Buffer.from([0, 101]))).toThrow(FrameTooLargeError);
  });

  it('rejects an 8-byte length above Number.MAX_SAFE_INTEGER', () => {
    const d = new LengthPrefixedCodec({ lengthBytes: 8 }).createDecoder();
    expect(() => d.push(Buffer.alloc(8, 0xff))).toThrow(FrameTooLargeError);
  });

  it('rejects a length smaller than its own header as INVALID_FRAME', () => {
    const d = new LengthPrefixedCodec({ lengthIncludesHeader: true }).createDecoder();
    expect(() => d.push(Buffer.from([0, 0, 0, 3]))).toThrow(InvalidFrameError);
  });

  it('refuses to encode a message longer than maxLength or than the length field', () => {
    expect(() => new LengthPrefixedCodec({ maxLength: 3 }).encode('four')).toThrow(FrameTooLargeError);
    expect(() => new LengthPrefixedCodec({ lengthBytes: 1 }).encode(Buffer.alloc(256))).toThrow(
      FrameTooLargeError,
    );
  });

  it('tells how many bytes of which frame arrived when the stream ends mid-frame', () => {
    const c = new LengthPrefixedCodec();
    const bytes = c.encodeAll(['a', 'hello']);
    const d = c.createDecoder();
    expect(d.push(bytes.subarray(0, bytes.length - 2)).map(String)).toEqual(['a']);
    let err: unknown;
    try {
      d.end();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UnexpectedEofError);
    expect(err).toMatchObject({ code: 'UNEXPECTED_EOF', frameIndex: 1, bytesReceived: 7, expectedBytes: 9 });
  });

  it('reports a partial header at end of stream', () => {
    const d = new LengthPrefixedCodec().createDecoder();
    d.push(Buffer.from([0, 0]));
    expect(() => d.end()).toThrow(expect.objectContaining({ bytesReceived: 2, expectedBytes: undefined }));
  });

  it('validates options', () => {
    expect(() => new LengthPrefixedCodec({ lengthBytes: 3 as 4 })).toThrow(InvalidOptionError);
    expect(() => new LengthPrefixedCodec({ endian: 'middle' as 'big' })).toThrow(InvalidOptionError);
    expect(() => new LengthPrefixedCodec({ lengthBytes: 1, maxLength: 300 })).toThrow(InvalidOptionError);
    expect(() => new LengthPrefixedCodec({ maxlength: 3 } as never)).toThrow(TypeError);
  });

  it('returns a view of the chunk for a frame inside one chunk (no copy)', () => {
    const c = new LengthPrefixedCodec();
    const bytes = c.encode('zero-copy');
    const [m] = c.createDecoder().push(bytes);
    expect(m!.buffer).toBe(bytes.buffer);
  });
});

describe('VarintLengthCodec', () => {
  it('encodes lengths as unsigned LEB128', () => {
    expect(new VarintLengthCodec().encode(Buffer.alloc(300)).subarray(0, 2)).toEqual(
      Buffer.from([0xac, 0x02]),
    );
  });

  it('rejects an oversize varint before it ends', () => {
    const d = new VarintLengthCodec({ maxLength: 1000 }).createDecoder();
    expect(() => d.push(Buffer.from([0xff, 0xff]))).toThrow(FrameTooLargeError);
  });

  it('rejects a varint longer than 8 bytes as INVALID_FRAME', () => {
    const d = new VarintLengthCodec({ maxLength: 2 ** 53 - 1 }).createDecoder();
    expect(() => d.push(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80]))).toThrow(
      InvalidFrameError,
    );
  });
});

describe('FixedLengthCodec', () => {
  it('refuses to encode a message of another length', () => {
    expect(() => new FixedLengthCodec(4).encode('abc')).toThrow(InvalidFrameError);
  });

  it('rejects a size below 1', () => {
    expect(() => new FixedLengthCodec(0)).toThrow(InvalidOptionError);
  });
});

describe('DelimitedCodec', () => {
  it('keeps the delimiter with includeDelimiter', () => {
    const c = new DelimitedCodec('\r\n', { includeDelimiter: true });
    expect(decodeChunks(c, Buffer.from('a\r\nbc\r\n'), [2]).map(String)).toEqual(['a\r\n', 'bc\r\n']);
  });

  it('refuses to encode a message containing the delimiter', () => {
    expect(() => new DelimitedCodec('\n').encode('a\nb')).toThrow(InvalidFrameError);
  });

  it('throws FRAME_TOO_LARGE once more than maxLength bytes arrive without a delimiter', () => {
    const d = new DelimitedCodec('\n', { maxLength: 4 }).createDecoder();
    expect(d.push(Buffer.from('abcd')).length).toBe(0);
    expect(() => d.push(Buffer.from('e'))).toThrow(
      expect.objectContaining({ code: 'FRAME_TOO_LARGE', length: 5 }),
    );
  });

  it('never buffers more than maxLength + delimiter - 1 bytes', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 50 }), { maxLength: 30 }), (chunks) => {
        const d = new DelimitedCodec('\r\n', { maxLength: 16, onTooLarge: 'skip' }).createDecoder();
        for (const ch of chunks) {
          d.push(ch);
          expect(d.buffered).toBeLessThanOrEqual(17);
        }
      }),
    );
  });

  it("skips an oversize frame to the next delimiter with onTooLarge: 'skip'", () => {
    const c = new DelimitedCodec('\r\n', { maxLength: 3, onTooLarge: 'skip' });
    const d = c.createDecoder();
    const input = Buffer.from('ok\r\ntoo long\r\nxyz\r\nabcd\r\nend\r\n');
    const out = decodeChunks(c, input, [1, 6, 9, 13, 14, 22]);
    expect(out.map(String)).toEqual(['ok', 'xyz', 'end']);
    for (let i = 0; i < input.length; i++) d.push(input.subarray(i, i + 1));
    expect(d.skipped).toBe(2);
    expect(d.frames).toBe(3);
  });

  it("returns trailing bytes at end of stream with trailing: 'emit', else UNEXPECTED_EOF", () => {
    expect(new DelimitedCodec('\n', { trailing: 'emit' }).decode(Buffer.from('a\nb')).map(String)).toEqual([
      'a',
      'b',
    ]);
    expect(() => new DelimitedCodec('\n').decode(Buffer.from('a\nb'))).toThrow(UnexpectedEofError);
  });

  it('validates options', () => {
    expect(() => new DelimitedCodec('')).toThrow(InvalidOptionError);
    expect(() => new DelimitedCodec('\n', { onTooLarge: 'drop' as 'skip' })).toThrow(InvalidOptionError);
    expect(() => new DelimitedCodec('\n', { max: 1 } as never)).toThrow(TypeError);
  });
});
