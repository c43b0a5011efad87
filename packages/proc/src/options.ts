import { statSync } from 'node:fs';
import { Socket } from 'node:net';
import { Stream } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { type Command, ProcError } from './errors.js';

/** Connect the stream to a pipe the parent reads or writes (`p.stdout`, ...). Python's `subprocess.PIPE`. */
export const PIPE = 'pipe';
/** Share the parent's stream (the default). Python's behaviour for `None`. */
export const INHERIT = 'inherit';
/** Connect the stream to `/dev/null`. Python's `subprocess.DEVNULL`. */
export const DEVNULL = 'devnull';
/** For `stderr` only: send it wherever stdout goes, in order. Python's `subprocess.STDOUT`. */
export const STDOUT = 'stdout';

/**
 * Where a child's stdin, stdout or stderr goes: one of the constants, a file descriptor number,
 * or a Node stream (a stream with a file descriptor is handed to the child directly; any other
 * stream is fed through a pipe, and never ended or closed by this package).
 */
export type StdioOption = typeof PIPE | typeof INHERIT | typeof DEVNULL | number | Stream;
/** `stderr` accepts everything `stdout` does, plus `STDOUT` to merge it into stdout. */
export type StderrOption = StdioOption | typeof STDOUT;

/** What `input` may be: bytes or text written to stdin, or a stream/iterable of chunks piped to it. */
export type InputOption =
  | string
  | Uint8Array
  | NodeJS.ReadableStream
  | Iterable<string | Uint8Array>
  | AsyncIterable<string | Uint8Array>;

/** Options of `popen()`; `run()` and friends take these plus a few more. */
export interface PopenOptions {
  /** Child's stdin. @default INHERIT */
  stdin?: StdioOption;
  /** Child's stdout. @default INHERIT */
  stdout?: StdioOption;
  /** Child's stderr; `STDOUT` merges it into stdout. @default INHERIT */
  stderr?: StderrOption;
  /** Working directory of the child. @default process.cwd() */
  cwd?: string | URL;
  /** The child's whole environment (replaces, as in Python). @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * Run `args` (then a single string) through a shell: `true` for `/bin/sh`, or a shell's path.
   * Dangerous with any untrusted text in the string: prefer an argument array. @default false
   */
  shell?: boolean | string;
  /** Decode captured output (and `lines()`) as text instead of returning `Buffer`s. @default false */
  text?: boolean;
  /** Text encoding; setting it also turns `text` on, as in Python. @default 'utf8' */
  encoding?: BufferEncoding;
  /** In text mode, `'universal'` turns `\r\n` and `\r` into `\n` (Python's default); `'keep'` leaves them. @default 'universal' */
  newline?: 'universal' | 'keep';
  /** Most bytes captured per stream before the tree is killed with `MaxBufferError`. @default 268435456 (256 MiB) */
  maxBuffer?: number;
  /**
   * Start the child in its own process group and signal the whole group on timeout, abort,
   * `terminate()` and `kill()`, so grandchildren die too. Turn off for programs that need the
   * terminal as their controlling terminal (password prompts, full-screen editors). @default true
   */
  killTree?: boolean;
  /** Milliseconds between SIGTERM and SIGKILL when a tree is killed. @default 2000 */
  killGraceMs?: number;
  /** Kill the child (SIGTERM) if this process exits or dies of SIGINT/SIGTERM/SIGHUP first. @default true */
  cleanup?: boolean;
  /** Aborting kills the process tree; waiting calls then reject with `AbortError`. */
  signal?: AbortSignal;
  /** Value of `argv[0]` the child sees. @default args[0] */
  argv0?: string;
}

/** Options of `run()`, `call()`, `checkCall()` and `checkOutput()`. */
export interface RunOptions extends PopenOptions {
  /** Data for stdin (then stdin is a pipe that gets closed after it); cannot be used with `stdin`. */
  input?: InputOption;
  /** Capture stdout and stderr (Python's `capture_output`); cannot be used with `stdout`/`stderr`. @default false */
  capture?: boolean;
  /** Throw `CalledProcessError` on a non-zero exit or a death by signal. @default false */
  check?: boolean;
  /** Kill the tree and throw `TimeoutExpired` after this many milliseconds. @default no limit */
  timeoutMs?: number;
}

/**
 * The output type options select: `string` with an `encoding` or `text: true`, `Buffer` without
 * them, and `string | Buffer` when `text` is a `boolean` only known at run time.
 */
export type OutputOf<O> = O extends { encoding: BufferEncoding }
  ? string
  : O extends { text: infer X }
    ? X extends true
      ? string
      : X extends false | undefined
        ? Buffer
        : string | Buffer
    : Buffer;

export type SpawnStdio = 'pipe' | 'inherit' | 'ignore' | number | Stream;

/** Options normalized once at the boundary. */
export interface Normalized {
  readonly cmd: Command;
  readonly file: string;
  readonly argv: readonly string[];
  readonly stdio: [SpawnStdio, SpawnStdio, SpawnStdio];
  /** A user stream/iterable to pump into the child's stdin pipe. */
  readonly feed: InputOption | null;
  readonly stdoutSink: NodeJS.WritableStream | null;
  readonly stderrSink: NodeJS.WritableStream | null;
  /** Whether `p.stdin/stdout/stderr` are exposed pipes. */
  readonly exposed: readonly [boolean, boolean, boolean];
  /** stderr was merged with the shell trick (so only stdout carries data). */
  readonly merged: boolean;
  /** The command runs through a shell of the user's choosing. */
  readonly shell: boolean;
  readonly cwd: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>> | undefined;
  readonly text: boolean;
  readonly encoding: BufferEncoding;
  readonly newline: 'universal' | 'keep';
  readonly maxBuffer: number;
  readonly killTree: boolean;
  readonly killGraceMs: number;
  readonly cleanup: boolean;
  readonly signal: AbortSignal | undefined;
  readonly argv0: string | undefined;
}

export const POPEN_KEYS: ReadonlySet<string> = new Set([
  'stdin',
  'stdout',
  'stderr',
  'cwd',
  'env',
  'shell',
  'text',
  'encoding',
  'newline',
  'maxBuffer',
  'killTree',
  'killGraceMs',
  'cleanup',
  'signal',
  'argv0',
]);
export const RUN_KEYS: ReadonlySet<string> = new Set([
  ...POPEN_KEYS,
  'input',
  'capture',
  'check',
  'timeoutMs',
]);

export const DEFAULT_MAX_BUFFER = 256 * 1024 * 1024;
const DEFAULT_GRACE_MS = 2000;

function invalid(message: string): ProcError {
  return new ProcError('PROC_INVALID_OPTION', message);
}

/** Throws a TypeError naming the first key not in `known`. */
export function rejectUnknown(opts: object, known: ReadonlySet<string>, fn: string): void {
  for (const key of Object.keys(opts)) {
    if (!known.has(key)) throw new TypeError(`${fn}(): unknown option \`${key}\``);
  }
}

function checkBool(name: string, v: unknown): boolean | undefined {
  if (v !== undefined && typeof v !== 'boolean')
    throw invalid(`\`${name}\` must be a boolean, got ${typeof v}`);
  return v as boolean | undefined;
}

export function checkMs(name: string, v: unknown, allowZero = true): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || Number.isNaN(v) || v < 0 || (!allowZero && v === 0)) {
    throw invalid(
      `\`${name}\` must be a ${allowZero ? 'non-negative' : 'positive'} number of milliseconds, got ${String(v)}`,
    );
  }
  return v;
}

function isStream(v: unknown): v is Stream {
  return v instanceof Stream;
}

/** A stream the child can share directly: a socket/pipe with a handle, or a stream with an fd. */
function directStdio(s: Stream, fd: 0 | 1 | 2): SpawnStdio | null {
  if (fd === 0 && s === process.stdin) return 0;
  if (fd !== 0 && s === process.stdout) return 1;
  if (fd !== 0 && s === process.stderr) return 2;
  const withFd = s as Stream & { fd?: unknown };
  if (typeof withFd.fd === 'number') return withFd.fd;
  if (s instanceof Socket && (s as Socket & { _handle?: unknown })._handle) return s;
  return null;
}

function isInputLike(v: unknown): v is InputOption {
  if (typeof v === 'string' || v instanceof Uint8Array) return true;
  if (v === null || typeof v !== 'object') return false;
  return Symbol.asyncIterator in v || Symbol.iterator in v || isStream(v);
}

function stdioFor(
  name: 'stdin' | 'stdout' | 'stderr',
  v: unknown,
  fd: 0 | 1 | 2,
): { stdio: SpawnStdio; stream: Stream | null; exposed: boolean } {
  if (v === undefined || v === INHERIT) return { stdio: 'inherit', stream: null, exposed: false };
  if (v === PIPE) return { stdio: 'pipe', stream: null, exposed: true };
  if (v === DEVNULL) return { stdio: 'ignore', stream: null, exposed: false };
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < 0)
      throw invalid(`\`${name}\` file descriptor must be a non-negative integer, got ${v}`);
    return { stdio: v, stream: null, exposed: false };
  }
  if (isStream(v)) {
    const direct = directStdio(v, fd);
    if (direct !== null) return { stdio: direct, stream: null, exposed: false };
    const ok =
      fd === 0
        ? typeof (v as unknown as NodeJS.ReadableStream).pipe === 'function'
        : typeof (v as unknown as NodeJS.WritableStream).write === 'function';
    if (!ok) throw invalid(`\`${name}\` stream must be ${fd === 0 ? 'readable' : 'writable'}`);
    return { stdio: 'pipe', stream: v, exposed: false };
  }
  throw invalid(
    `\`${name}\` must be PIPE, INHERIT, DEVNULL${name === 'stderr' ? ', STDOUT' : ''}, a file descriptor or a stream, got ${String(v)}`,
  );
}

/** Validates the command and options of a child and computes what `spawn` gets. */
export function normalize(
  args: unknown,
  opts: RunOptions,
  fn: string,
  known: ReadonlySet<string>,
): Normalized {
  if (opts === null || typeof opts !== 'object') throw new TypeError(`${fn}(): options must be an object`);
  rejectUnknown(opts, known, fn);
  const shellOpt = opts.shell ?? false;
  if (typeof shellOpt !== 'boolean' && (typeof shellOpt !== 'string' || shellOpt === '')) {
    throw invalid('`shell` must be a boolean or the path of a shell');
  }
  let cmd: Command;
  if (shellOpt !== false) {
    if (typeof args !== 'string') {
      throw new TypeError(
        `${fn}(): with \`shell\`, the command must be one string (use join() to build it safely)`,
      );
    }
    cmd = args;
  } else {
    if (typeof args === 'string') {
      throw new TypeError(
        `${fn}(): the command must be an array of arguments, got a string; use split() to parse a command line, or \`shell: true\` if you need a shell`,
      );
    }
    if (!Array.isArray(args) || args.length === 0)
      throw new TypeError(`${fn}(): the command must be a non-empty array`);
    for (const [i, a] of args.entries()) {
      if (typeof a !== 'string')
        throw new TypeError(`${fn}(): argument ${i} must be a string, got ${typeof a}`);
      if (a.includes('\0')) throw invalid(`argument ${i} contains a NUL character`);
    }
    if (args[0] === '') throw new TypeError(`${fn}(): the program name (args[0]) is empty`);
    cmd = Object.freeze([...(args as string[])]);
  }

  const stdin = stdioFor('stdin', opts.stdin, 0);
  const stdout = stdioFor('stdout', opts.stdout, 1);
  let stderr: ReturnType<typeof stdioFor>;
  let merged = false;
  if (opts.stderr === STDOUT) {
    if (stdout.stdio === 'pipe') {
      merged = true;
      stderr = { stdio: 'ignore', stream: null, exposed: false };
    } else {
      // The child's fd 2 simply becomes whatever its fd 1 is.
      stderr = { stdio: stdout.stdio === 'inherit' ? 1 : stdout.stdio, stream: null, exposed: false };
    }
  } else {
    stderr = stdioFor('stderr', opts.stderr, 2);
  }

  let file: string;
  let argv: string[];
  if (shellOpt !== false) {
    file = shellOpt === true ? '/bin/sh' : shellOpt;
    // `exec 2>&1` on its own line redirects the shell's own stderr before the user's text is parsed.
    argv = [file, '-c', merged ? `exec 2>&1\n${cmd as string}` : (cmd as string)];
  } else if (merged) {
    // One pipe for both streams keeps their order exactly, as Python's stderr=STDOUT does; Node
    // cannot hand the same new pipe to fds 1 and 2, so a shell dups it and execs the program.
    file = '/bin/sh';
    argv = ['/bin/sh', '-c', 'exec "$@" 2>&1', 'sh', ...(cmd as string[])];
  } else {
    file = (cmd as string[])[0]!;
    argv = cmd as string[];
  }

  let cwd: string | undefined;
  if (opts.cwd !== undefined) {
    if (opts.cwd instanceof URL) cwd = fileURLToPath(opts.cwd);
    else if (typeof opts.cwd === 'string' && opts.cwd !== '') cwd = opts.cwd;
    else throw invalid('`cwd` must be a non-empty string or a file: URL');
  }
  if (opts.env !== undefined && (opts.env === null || typeof opts.env !== 'object')) {
    throw invalid('`env` must be an object of strings');
  }
  const textOpt = checkBool('text', opts.text);
  if (opts.encoding !== undefined && !Buffer.isEncoding(opts.encoding)) {
    throw invalid(`\`encoding\` is not an encoding Node knows: ${String(opts.encoding)}`);
  }
  const newline = opts.newline ?? 'universal';
  if (newline !== 'universal' && newline !== 'keep') throw invalid("`newline` must be 'universal' or 'keep'");
  const maxBuffer = opts.maxBuffer ?? DEFAULT_MAX_BUFFER;
  if (typeof maxBuffer !== 'number' || Number.isNaN(maxBuffer) || maxBuffer < 0) {
    throw invalid(`\`maxBuffer\` must be a non-negative number of bytes, got ${String(maxBuffer)}`);
  }
  const signal = opts.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal))
    throw invalid('`signal` must be an AbortSignal');
  if (opts.argv0 !== undefined && typeof opts.argv0 !== 'string') throw invalid('`argv0` must be a string');

  return {
    cmd,
    file,
    argv,
    stdio: [stdin.stdio, stdout.stdio, stderr.stdio],
    feed: stdin.stream as InputOption | null,
    stdoutSink: stdout.stream as NodeJS.WritableStream | null,
    stderrSink: stderr.stream as NodeJS.WritableStream | null,
    exposed: [stdin.exposed, stdout.exposed, stderr.exposed],
    merged,
    shell: shellOpt !== false,
    cwd,
    env: opts.env,
    text: textOpt ?? opts.encoding !== undefined,
    encoding: opts.encoding ?? 'utf8',
    newline,
    maxBuffer,
    killTree: checkBool('killTree', opts.killTree) ?? true,
    killGraceMs: checkMs('killGraceMs', opts.killGraceMs) ?? DEFAULT_GRACE_MS,
    cleanup: checkBool('cleanup', opts.cleanup) ?? true,
    signal,
    argv0: opts.argv0,
  };
}

/** `input` given to run(): validated; stdin becomes a pipe fed with it. */
export function checkInput(input: unknown): InputOption {
  if (!isInputLike(input)) {
    throw invalid(
      '`input` must be a string, a Uint8Array/Buffer, a readable stream or an (async) iterable of chunks',
    );
  }
  return input;
}

/**
 * Turns run()'s `capture` and `input` into pipes (stdout and stderr, stdin), rejecting the
 * combinations that conflict with an explicit `stdout`/`stderr`/`stdin`; validates `input`.
 */
export function applyCaptureAndInput(fn: string, options: RunOptions): RunOptions {
  // Checked before anything runs: a pipeline must not start its stages only to reject `check`.
  for (const key of ['capture', 'check'] as const) {
    if (options[key] !== undefined && typeof options[key] !== 'boolean')
      throw new TypeError(`${fn}(): \`${key}\` must be a boolean`);
  }
  let o = options;
  if (o.capture) {
    if (o.stdout !== undefined || o.stderr !== undefined) {
      throw new TypeError(`${fn}(): \`capture\` cannot be combined with \`stdout\` or \`stderr\``);
    }
    o = { ...o, stdout: PIPE, stderr: PIPE };
  }
  if (o.input !== undefined) {
    if (o.stdin !== undefined) throw new TypeError(`${fn}(): \`input\` and \`stdin\` cannot both be given`);
    checkInput(o.input);
    o = { ...o, stdin: PIPE };
  }
  return o;
}

/** Whether a path is an existing directory (for spawn failure diagnostics). */
export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
