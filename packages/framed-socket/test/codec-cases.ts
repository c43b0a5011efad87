// The codecs whose frames carry their length, with message generators that fit each one: the
// property tests of the decoders and of the zero-copy reader run over the same cases.
import fc from 'fast-check';
import { type Codec, FixedLengthCodec, LengthPrefixedCodec, VarintLengthCodec } from '../src/index.js';

export const bytesArb = fc.uint8Array({ maxLength: 300 }).map((u) => Buffer.from(u));

export interface CodecCase {
  name: string;
  codec: Codec;
  messages: fc.Arbitrary<Buffer[]>;
}

export const lengthCodecCases: CodecCase[] = [
  { name: 'LengthPrefixedCodec 4 big', codec: new LengthPrefixedCodec(), messages: fc.array(bytesArb) },
  {
    name: 'LengthPrefixedCodec 2 little incl. header',
    codec: new LengthPrefixedCodec({ lengthBytes: 2, endian: 'little', lengthIncludesHeader: true }),
    messages: fc.array(bytesArb),
  },
  {
    name: 'LengthPrefixedCodec 1',
    codec: new LengthPrefixedCodec({ lengthBytes: 1 }),
    messages: fc.array(fc.uint8Array({ maxLength: 255 }).map((u) => Buffer.from(u))),
  },
  {
    name: 'LengthPrefixedCodec 8 little',
    codec: new LengthPrefixedCodec({ lengthBytes: 8, endian: 'little' }),
    messages: fc.array(bytesArb),
  },
  { name: 'VarintLengthCodec', codec: new VarintLengthCodec(), messages: fc.array(bytesArb) },
  {
    name: 'FixedLengthCodec(5)',
    codec: new FixedLengthCodec(5),
    messages: fc.array(fc.uint8Array({ minLength: 5, maxLength: 5 }).map((u) => Buffer.from(u))),
  },
];
