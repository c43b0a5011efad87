import { closeSync, fstatSync, openSync, writeSync } from 'node:fs';

/** Characters buffered before a synchronous write. */
const HIGH_WATER = 64 * 1024;

/**
 * An append-only file writer that batches text and writes it with synchronous `write(2)` calls: a
 * chunk at 64 KiB, the rest at the next turn of the event loop, and everything on `flushSync()`
 * (which the exit hook calls). Nothing is ever in flight, so nothing can be lost on exit or rotation.
 */
export class FileSink {
  readonly path: string;
  private fd: number;
  private buf = '';
  private scheduled: NodeJS.Immediate | null = null;
  private readonly encoding: BufferEncoding;
  private readonly onError: (err: unknown) => void;

  constructor(path: string, flags: string, encoding: BufferEncoding, onError: (err: unknown) => void) {
    this.path = path;
    this.encoding = encoding;
    this.onError = onError;
    this.fd = openSync(path, flags, 0o666);
  }

  /** Bytes the file has on disk (not counting the buffer). */
  diskSize(): number {
    return fstatSync(this.fd).size;
  }

  /** The file's identity, to spot a file replaced under us. */
  identity(): { dev: number; ino: number } {
    const st = fstatSync(this.fd);
    return { dev: st.dev, ino: st.ino };
  }

  write(text: string): void {
    this.buf += text;
    if (this.buf.length >= HIGH_WATER) this.flushSync();
    else if (this.scheduled === null) {
      this.scheduled = setImmediate(this.tick);
      this.scheduled.unref();
    }
  }

  private readonly tick = (): void => {
    this.scheduled = null;
    try {
      this.flushSync();
    } catch (err) {
      this.onError(err);
    }
  };

  flushSync(): void {
    if (this.buf === '' || this.fd < 0) return;
    const data = Buffer.from(this.buf, this.encoding);
    this.buf = '';
    let off = 0;
    while (off < data.length) off += writeSync(this.fd, data, off, data.length - off);
  }

  close(): void {
    if (this.scheduled !== null) {
      clearImmediate(this.scheduled);
      this.scheduled = null;
    }
    if (this.fd < 0) return;
    try {
      this.flushSync();
    } finally {
      closeSync(this.fd);
      this.fd = -1;
    }
  }
}
