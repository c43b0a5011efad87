import { Transform } from 'node:stream';
import type { Field } from './parser.js';
import { Parser } from './parser.js';
import { ChunkDecoder, type FieldOf, type ReaderOptions, readSettings } from './reader.js';
import { type CellValue, Formatter, type WriterOptions, writeSettings } from './writer.js';

/** Options of {@link parseStream}: reader options without `signal` (destroy the stream instead). */
export type ParseStreamOptions = Omit<ReaderOptions, 'signal'>;

/** Options of {@link stringifyStream}: dialect options, `writeBom` and `bufferSize`. */
export type StringifyStreamOptions = Omit<WriterOptions, 'end' | 'signal'>;

/**
 * A Transform for `pipe()`/`pipeline()`: text or bytes in, rows out (object mode), with exactly the
 * semantics of {@link reader}. Parse errors destroy the stream with the `CsvError`.
 *
 * @example
 * await pipeline(createReadStream('in.csv'), parseStream(), async function* (rows) {
 *   for await (const row of rows) console.log(row);
 * });
 */
export function parseStream<const O extends ParseStreamOptions = ParseStreamOptions>(options?: O): Transform {
  if (options && 'signal' in options)
    throw new TypeError('parseStream() takes no signal: destroy the stream');
  const settings = readSettings(options);
  const parser = new Parser(settings.dialect, settings.fieldSizeLimit);
  const chunks = new ChunkDecoder(settings);
  const run = (stream: Transform, input: string, final: boolean): unknown => {
    let failure: unknown;
    try {
      parser.feed(input, final);
    } catch (err) {
      failure = err;
    }
    // Rows completed before an error still go out first.
    for (const row of parser.take()[0]) stream.push(row as Extract<FieldOf<O>, Field>[]);
    return failure;
  };
  return new Transform({
    readableObjectMode: true,
    decodeStrings: false,
    transform(chunk: string | Uint8Array, _encoding, callback) {
      let failure: unknown;
      try {
        failure = run(this, chunks.text(chunk), false);
      } catch (err) {
        failure = err;
      }
      callback(failure === undefined ? null : (failure as Error));
    },
    flush(callback) {
      const failure = run(this, chunks.end(), true);
      callback(failure === undefined ? null : (failure as Error));
    },
  });
}

/**
 * A Transform for `pipe()`/`pipeline()`: rows in (object mode), CSV text out, with exactly the bytes
 * of {@link stringify}. A row that cannot be written destroys the stream with the `CsvError`.
 *
 * @example
 * await pipeline(Readable.from(rows), stringifyStream({ dialect: 'unix' }), createWriteStream('out.csv'));
 */
export function stringifyStream(options: StringifyStreamOptions = {}): Transform {
  if ('end' in options || 'signal' in options) {
    throw new TypeError('stringifyStream() takes no `end` or `signal` option: destroy the stream instead');
  }
  const settings = writeSettings(options);
  const formatter = new Formatter(settings.dialect);
  let buffer = settings.writeBom ? '\ufeff' : '';
  return new Transform({
    writableObjectMode: true,
    transform(row: Iterable<CellValue>, _encoding, callback) {
      try {
        buffer += formatter.row(row);
      } catch (err) {
        callback(err as Error);
        return;
      }
      if (buffer.length >= settings.bufferSize) {
        const out = buffer;
        buffer = '';
        callback(null, out);
      } else callback();
    },
    flush(callback) {
      callback(null, buffer === '' ? undefined : buffer);
    },
  });
}
