import type { Codec } from './codecs/codec.js';

/**
 * Decodes any byte stream (a file stream, a child's stdout, an array of chunks) into whole
 * messages. Throws {@link UnexpectedEofError} when the stream ends inside a frame.
 *
 * @example
 * for await (const msg of decodeStream(fs.createReadStream('frames.bin'), new VarintLengthCodec())) {}
 */
export async function* decodeStream(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  codec: Codec,
): AsyncGenerator<Buffer, void, undefined> {
  const decoder = codec.createDecoder();
  for await (const chunk of source) {
    const out = decoder.push(chunk);
    for (const m of out) yield m;
  }
  for (const m of decoder.end()) yield m;
}
