import { closeSync, openSync, type PathLike, readSync } from 'node:fs';
import { checkOptions } from './dialect.js';
import { CsvError } from './errors.js';

/** Options of {@link fileChunks}. */
export interface FileChunksOptions {
  /** Bytes read per chunk (a positive integer), the chunk size of Node's file streams. @default 65536 */
  chunkSize?: number;
}

const FILE_CHUNKS_KEYS = new Set<string>(['chunkSize']);

/**
 * A file's bytes as a synchronous iterable of chunks, read with `fs.readSync`: the source for reading
 * a file with `for ... of` over {@link reader}, as Python's `csv.reader(open(path, newline=''))` does.
 *
 * Each iteration opens the file (so errors such as `ENOENT` surface at the first step, not at this
 * call) and closes it when the file is read to its end, when the loop breaks or returns, and when
 * reading or the loop body throws. Every chunk is a new Buffer the caller may keep.
 *
 * @example
 * for (const row of reader(fileChunks('big.csv'))) count++;
 */
export function fileChunks(path: PathLike, options: FileChunksOptions = {}): Iterable<Buffer> {
  checkOptions(options, FILE_CHUNKS_KEYS, 'fileChunks');
  const size = options.chunkSize ?? 1 << 16;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 1) {
    throw new CsvError('CSV_INVALID_OPTION', '`chunkSize` must be a positive integer', { value: size });
  }
  return {
    *[Symbol.iterator]() {
      const fd = openSync(path, 'r');
      try {
        for (;;) {
          const chunk = Buffer.allocUnsafe(size);
          const n = readSync(fd, chunk, 0, size, null);
          if (n === 0) return;
          yield n === size ? chunk : chunk.subarray(0, n);
        }
      } finally {
        closeSync(fd);
      }
    },
  };
}
