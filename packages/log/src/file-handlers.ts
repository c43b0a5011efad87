import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { invalidOption, LogError } from './errors.js';
import { Handler, type HandlerOptions } from './handler.js';
import type { LogRecord } from './record.js';
import { FileSink } from './sink.js';
import { compileStrftime } from './strftime.js';

/** How a log file is opened: append, truncate, or fail when it exists. */
export type FileMode = 'a' | 'w' | 'x';

/** Options of {@link FileHandler}. */
export interface FileHandlerOptions extends HandlerOptions {
  /** Open mode. @default 'a' */
  mode?: FileMode;
  /** Text encoding of the file. @default 'utf8' */
  encoding?: BufferEncoding;
  /** Open the file at the first record instead of now. @default false */
  delay?: boolean;
  /** Appended to every formatted record. @default '\n' */
  terminator?: string;
}

const FILE_KEYS = ['mode', 'encoding', 'delay', 'terminator'];

function checkMode(mode: string): FileMode {
  if (mode !== 'a' && mode !== 'w' && mode !== 'x') {
    throw new LogError(
      'LOG_INVALID_OPTION',
      `File mode must be 'a', 'w' or 'x', got ${JSON.stringify(mode)}`,
      {
        context: { key: 'mode', value: mode },
      },
    );
  }
  return mode;
}

/**
 * Writes records to a file. Output is batched and written synchronously, so every line handled before
 * `process.exit()` or a fatal exception is in the file, and `close()`/`shutdown()` never lose a line.
 *
 * @example logger.addHandler(new FileHandler('app.log', { mode: 'w' }));
 */
export class FileHandler extends Handler {
  /** Absolute path of the file. */
  readonly baseFilename: string;
  /** Open mode. */
  mode: FileMode;
  /** File encoding. */
  readonly encoding: BufferEncoding;
  /** Appended to each record. */
  terminator: string;
  /** @internal */
  protected sink: FileSink | null = null;

  constructor(filename: string, options: FileHandlerOptions = {}, knownKeys: readonly string[] = []) {
    super(options, [...FILE_KEYS, ...knownKeys]);
    if (typeof filename !== 'string' || filename === '') {
      throw new LogError('LOG_INVALID_OPTION', 'A file handler needs a file name', {
        context: { key: 'filename', value: filename },
      });
    }
    this.baseFilename = resolve(filename);
    this.mode = checkMode(options.mode ?? 'a');
    this.encoding = options.encoding ?? 'utf8';
    if (!Buffer.isEncoding(this.encoding)) {
      throw new LogError('LOG_INVALID_OPTION', `Unknown encoding ${JSON.stringify(this.encoding)}`, {
        context: { key: 'encoding', value: this.encoding },
      });
    }
    this.terminator = options.terminator ?? '\n';
    if (!options.delay) this.open();
  }

  /** @internal opens (or reopens) the file */
  protected open(): FileSink {
    this.sink = new FileSink(this.baseFilename, this.mode, this.encoding, (err) =>
      this.handleError(null, err),
    );
    return this.sink;
  }

  emit(record: LogRecord): void {
    if (this.closed) throw new LogError('LOG_HANDLER_CLOSED', `Handler for ${this.baseFilename} is closed`);
    this.beforeFormat(record);
    this.writeText(this.format(record) + this.terminator);
  }

  /** @internal runs before the record is formatted: time-based rollover, reopening a moved file */
  protected beforeFormat(_record: LogRecord): void {}

  /** @internal writes one formatted record, opening the file first if needed */
  protected writeText(text: string): void {
    (this.sink ?? this.open()).write(text);
  }

  override flushSync(): void {
    this.sink?.flushSync();
  }

  override async close(): Promise<void> {
    if (this.closed) return;
    try {
      this.sink?.close();
    } finally {
      this.sink = null;
      await super.close();
    }
  }
}

/** Options of {@link RotatingFileHandler}. */
export interface RotatingFileHandlerOptions extends FileHandlerOptions {
  /** Roll over before a record would take the file to this many bytes; 0 never rolls over. @default 0 */
  maxBytes?: number;
  /** How many old files (`app.log.1` ... `app.log.N`) to keep; 0 never rolls over. @default 0 */
  backupCount?: number;
  /** Maps a default rotated file name to the one to use. @default identity */
  namer?: ((defaultName: string) => string) | null;
}

type Namer = (defaultName: string) => string;

function checkNamer(value: unknown): Namer | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'function') throw invalidOption('namer', value, 'a function');
  return value as Namer;
}

function nonNegativeInt(value: unknown, key: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw invalidOption(key, value, 'a non-negative integer');
  }
  return value;
}

/**
 * Python's RotatingFileHandler: when the next record would reach `maxBytes`, `app.log` becomes
 * `app.log.1` (older ones shift up to `backupCount`) and a fresh `app.log` starts. Rotation happens
 * between two records, synchronously: no record is split across files and none is lost.
 */
export class RotatingFileHandler extends FileHandler {
  /** Rollover threshold in bytes. */
  readonly maxBytes: number;
  /** Backups kept. */
  readonly backupCount: number;
  private size = 0;
  private readonly namer: Namer | null;

  constructor(filename: string, options: RotatingFileHandlerOptions = {}) {
    const maxBytes = nonNegativeInt(options.maxBytes ?? 0, 'maxBytes');
    super(filename, { ...options, mode: maxBytes > 0 ? 'a' : (options.mode ?? 'a') }, [
      'maxBytes',
      'backupCount',
      'namer',
    ]);
    this.maxBytes = maxBytes;
    this.backupCount = nonNegativeInt(options.backupCount ?? 0, 'backupCount');
    this.namer = checkNamer(options.namer);
  }

  protected override open(): FileSink {
    const sink = super.open();
    this.size = sink.diskSize();
    return sink;
  }

  /** The name of backup number `i`. */
  rotationFilename(i: number): string {
    const name = `${this.baseFilename}.${i}`;
    return this.namer ? this.namer(name) : name;
  }

  /** Closes the file, shifts the backups and opens a fresh file. */
  doRollover(): void {
    this.sink?.close();
    this.sink = null;
    if (this.backupCount > 0) {
      for (let i = this.backupCount - 1; i > 0; i--) {
        const src = this.rotationFilename(i);
        if (existsSync(src)) renameSync(src, this.rotationFilename(i + 1));
      }
      const first = this.rotationFilename(1);
      rmSync(first, { force: true });
      if (existsSync(this.baseFilename)) renameSync(this.baseFilename, first);
    }
    this.open();
  }

  protected override writeText(text: string): void {
    if (this.sink === null) this.open();
    if (this.maxBytes > 0 && this.backupCount > 0) {
      const bytes = Buffer.byteLength(text, this.encoding);
      if (this.size > 0 && this.size + bytes >= this.maxBytes) this.doRollover();
      this.size += bytes;
    }
    this.sink!.write(text);
  }
}

/** When a TimedRotatingFileHandler rolls over. */
export type RotateWhen = 'S' | 'M' | 'H' | 'D' | 'midnight' | 'W0' | 'W1' | 'W2' | 'W3' | 'W4' | 'W5' | 'W6';

/** Options of {@link TimedRotatingFileHandler}. */
export interface TimedRotatingFileHandlerOptions extends FileHandlerOptions {
  /** Interval unit (seconds, minutes, hours, days, at midnight, or weekly on weekday 0 = Monday). @default 'H' */
  when?: RotateWhen;
  /** How many units between rollovers. @default 1 */
  interval?: number;
  /** How many old files to keep; 0 keeps all. @default 0 */
  backupCount?: number;
  /** Use UTC for the boundaries and the file suffixes. @default false */
  utc?: boolean;
  /** For `midnight` and `W*`: the time of day to roll over, as `{ hour, minute, second }`. @default midnight */
  atTime?: { hour?: number; minute?: number; second?: number } | null;
  /**
   * Maps the default name of a rolled-over file (`app.log.2026-11-24_13`, full path) to the one to
   * use, e.g. `app.2026-11-24_13.log`. With `backupCount`, a file counts as an old one when it is
   * what `namer` makes of the default name for a date found in it. @default identity
   */
  namer?: Namer | null;
}

const SUFFIX: Record<string, [string, RegExp]> = {
  S: ['%Y-%m-%d_%H-%M-%S', /^\d{4}-\d{2}-\d{2}_\d{2}-\d{2}-\d{2}$/],
  M: ['%Y-%m-%d_%H-%M', /^\d{4}-\d{2}-\d{2}_\d{2}-\d{2}$/],
  H: ['%Y-%m-%d_%H', /^\d{4}-\d{2}-\d{2}_\d{2}$/],
  D: ['%Y-%m-%d', /^\d{4}-\d{2}-\d{2}$/],
};

/**
 * Python's TimedRotatingFileHandler: rolls over every `interval` units of `when`; the old file gets
 * the start time of its period as a suffix (`app.log.2026-11-24_13`), and only `backupCount` are kept.
 */
export class TimedRotatingFileHandler extends FileHandler {
  /** The unit. */
  readonly when: RotateWhen;
  /** Length of one period in seconds. */
  readonly interval: number;
  /** Old files kept (0: all). */
  readonly backupCount: number;
  /** Whether times are UTC. */
  readonly utc: boolean;
  /** Next rollover, in ms since the epoch. */
  rolloverAt: number;
  private readonly suffix: (d: Date) => string;
  private readonly suffixMatch: RegExp;
  private readonly atTime: { hour: number; minute: number; second: number };
  private readonly namer: Namer | null;

  constructor(filename: string, options: TimedRotatingFileHandlerOptions = {}) {
    super(filename, options, ['when', 'interval', 'backupCount', 'utc', 'atTime', 'namer']);
    this.namer = checkNamer(options.namer);
    const when = options.when ?? 'H';
    const units: Record<string, number> = { S: 1, M: 60, H: 3600, D: 86_400, midnight: 86_400 };
    let unit = units[when];
    if (unit === undefined) {
      if (!/^W[0-6]$/.test(when)) {
        throw new LogError('LOG_INVALID_OPTION', `Invalid rollover interval ${JSON.stringify(when)}`, {
          context: { key: 'when', value: when },
        });
      }
      unit = 7 * 86_400;
    }
    this.when = when;
    const interval = options.interval ?? 1;
    if (!Number.isInteger(interval) || interval < 1)
      throw invalidOption('interval', interval, 'a positive integer');
    this.interval = unit * (when === 'midnight' || when.startsWith('W') ? 1 : interval);
    this.backupCount = nonNegativeInt(options.backupCount ?? 0, 'backupCount');
    this.utc = options.utc ?? false;
    this.atTime = { hour: 0, minute: 0, second: 0, ...(options.atTime ?? {}) };
    const key = when === 'midnight' || when.startsWith('W') ? 'D' : when;
    const [pattern, match] = SUFFIX[key]!;
    this.suffix = compileStrftime(pattern, this.utc);
    this.suffixMatch = match;
    let start = Date.now();
    try {
      start = statSync(this.baseFilename).mtimeMs;
    } catch {
      // a new file starts now
    }
    this.rolloverAt = this.computeRollover(start);
  }

  /** The first rollover time after `currentMs`, Python's rules. */
  computeRollover(currentMs: number): number {
    if (this.when !== 'midnight' && !this.when.startsWith('W')) return currentMs + this.interval * 1000;
    const d = new Date(currentMs);
    const get = this.utc
      ? { h: d.getUTCHours(), m: d.getUTCMinutes(), s: d.getUTCSeconds(), wd: (d.getUTCDay() + 6) % 7 }
      : { h: d.getHours(), m: d.getMinutes(), s: d.getSeconds(), wd: (d.getDay() + 6) % 7 };
    const rotateTs = this.atTime.hour * 3600 + this.atTime.minute * 60 + this.atTime.second;
    const nowTs = get.h * 3600 + get.m * 60 + get.s;
    let r = rotateTs - nowTs;
    if (r <= 0) r += 86_400;
    let result = Math.floor(currentMs / 1000) + r;
    if (this.when.startsWith('W')) {
      const want = Number(this.when[1]);
      const day = get.wd;
      if (day !== want) result += (day < want ? want - day : 6 - day + want + 1) * 86_400;
    }
    return result * 1000;
  }

  private doRollover(now: number): void {
    this.sink?.close();
    this.sink = null;
    const periodStart = new Date(this.rolloverAt - this.interval * 1000);
    const dest = this.rotationFilename(this.suffix(periodStart));
    rmSync(dest, { force: true });
    if (existsSync(this.baseFilename)) renameSync(this.baseFilename, dest);
    if (this.backupCount > 0) {
      const old = this.oldFiles();
      for (const f of old.slice(0, Math.max(0, old.length - this.backupCount))) rmSync(f, { force: true });
    }
    let next = this.computeRollover(now);
    while (next <= now) next += this.interval * 1000;
    this.rolloverAt = next;
    this.open();
  }

  /** The full name of the file that keeps the period with date suffix `suffix`. */
  rotationFilename(suffix: string): string {
    const name = `${this.baseFilename}.${suffix}`;
    return this.namer ? this.namer(name) : name;
  }

  /** Rolled-over files in the log's directory, oldest first. */
  private oldFiles(): string[] {
    const dir = dirname(this.baseFilename);
    const found: { suffix: string; path: string }[] = [];
    const anywhere = new RegExp(this.suffixMatch.source.slice(1, -1), 'g');
    for (const f of readdirSync(dir)) {
      const path = join(dir, f);
      if (path === this.baseFilename) continue;
      // A file is ours when it is the name this handler gives some period: exactly for the
      // default names, and for a `namer` by renaming every date found in the file name.
      for (const m of f.matchAll(anywhere)) {
        if (this.rotationFilename(m[0]) === path) {
          found.push({ suffix: m[0], path });
          break;
        }
      }
    }
    // The suffixes are zero-padded dates, so text order is time order.
    found.sort((a, b) => (a.suffix < b.suffix ? -1 : a.suffix > b.suffix ? 1 : 0));
    return found.map((x) => x.path);
  }

  protected override beforeFormat(record: LogRecord): void {
    const now = record.created * 1000;
    if (now >= this.rolloverAt) this.doRollover(now);
  }
}

/**
 * Python's WatchedFileHandler: before each record, checks whether the file was moved or deleted
 * (by logrotate, say) and reopens it by name, so lines go to the new file.
 */
export class WatchedFileHandler extends FileHandler {
  private ident: { dev: number; ino: number } | null = null;

  protected override open(): FileSink {
    const sink = super.open();
    this.ident = sink.identity();
    return sink;
  }

  /** Reopens the file when its path no longer names the file we hold open. */
  reopenIfNeeded(): void {
    let st: { dev: number; ino: number } | null = null;
    try {
      st = statSync(this.baseFilename);
    } catch {
      st = null;
    }
    if (this.sink && st && this.ident && st.dev === this.ident.dev && st.ino === this.ident.ino) return;
    if (this.sink) {
      this.sink.close();
      this.sink = null;
    }
    this.open();
  }

  protected override beforeFormat(): void {
    this.reopenIfNeeded();
  }
}
