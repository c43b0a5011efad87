import { type ChildProcess, spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import { constants as osConstants } from 'node:os';
import { Readable, type Writable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import {
  AbortError,
  type CapturedOutput,
  type Command,
  CommandNotFound,
  MaxBufferError,
  ProcError,
  SpawnError,
  type SubprocessError,
  TimeoutExpired,
} from './errors.js';
import {
  checkMs,
  type InputOption,
  isDirectory,
  type Normalized,
  normalize,
  type OutputOf,
  POPEN_KEYS,
  type PopenOptions,
  rejectUnknown,
} from './options.js';
import { childExited, signalTarget, type Tracked, terminate, track, untrack } from './tree.js';
import { lookup } from './which.js';

/** What `communicate()` returns: each stream's output, or `null` when it was not a pipe. */
export interface Outputs<T extends Buffer | string> {
  stdout: T | null;
  stderr: T | null;
}

/** Options of `Popen.wait()` and `Popen.communicate()`. */
export interface WaitOptions {
  /**
   * Give up waiting after this many milliseconds with `TimeoutExpired`. As in Python the
   * process is NOT killed: call `terminate()`/`kill()` or `communicate()` again.
   */
  timeoutMs?: number;
}

type Failure =
  | { kind: 'timeout'; timeoutMs: number }
  | { kind: 'abort'; reason: unknown }
  | { kind: 'maxBuffer'; stream: 'stdout' | 'stderr' }
  | { kind: 'input'; error: unknown };

const noop = (): void => {};
const CUT_PIPES_AFTER_MS = 100;

/** Bytes of one stream, kept as a chunk list until the end (no quadratic concatenation). */
class Sink {
  chunks: Buffer[] = [];
  length = 0;
  overflowed = false;

  constructor(
    private readonly limit: number,
    private readonly onOverflow: () => void,
  ) {}

  push(chunk: Buffer): void {
    if (this.overflowed) return;
    const room = this.limit - this.length;
    if (chunk.length > room) {
      if (room > 0) {
        this.chunks.push(chunk.subarray(0, room));
        this.length += room;
      }
      this.overflowed = true;
      this.onOverflow();
      return;
    }
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  bytes(): Buffer {
    return this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.length);
  }
}

function toText(buf: Buffer, o: Normalized): string {
  const s = buf.toString(o.encoding);
  return o.newline === 'universal' && s.includes('\r') ? s.replace(/\r\n?/g, '\n') : s;
}

/** Decodes captured bytes the way the options ask. */
export function decodeOutput(buf: Buffer | null, o: Normalized): CapturedOutput {
  if (buf === null) return null;
  return o.text ? toText(buf, o) : buf;
}

function describeSpawnFailure(o: Normalized, err: unknown): SubprocessError {
  const cwd = o.cwd ?? process.cwd();
  if (o.cwd !== undefined && !isDirectory(o.cwd)) {
    return new SpawnError(o.cmd, 'ENOENT', `the working directory \`${o.cwd}\` does not exist`, {
      cause: err,
    });
  }
  const env = o.env ?? process.env;
  const found = lookup(o.file, env.PATH, cwd);
  if (found.path === null && !found.notExecutable) {
    return new CommandNotFound(o.cmd, o.file, found.searched, err === undefined ? undefined : { cause: err });
  }
  if (found.path === null) {
    return new SpawnError(o.cmd, 'EACCES', `\`${o.file}\` is not executable (permission denied)`, {
      cause: err,
    });
  }
  const code = (err as NodeJS.ErrnoException | undefined)?.code ?? 'UNKNOWN';
  const detail = err instanceof Error ? err.message : 'the operating system refused to start it';
  return new SpawnError(o.cmd, code, detail, { cause: err });
}

const signalNumbers: Readonly<Record<string, number>> = osConstants.signals;

/** A number for Python's `returncode`: the exit code, or minus the signal number. */
function returncodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  return signal ? -(signalNumbers[signal] ?? 0) : 0;
}

function writeInput(o: Normalized, stdin: Writable, input: InputOption, onError: (e: unknown) => void): void {
  if (typeof input === 'string') {
    stdin.end(Buffer.from(input, o.encoding));
  } else if (input instanceof Uint8Array) {
    stdin.end(input);
  } else {
    const source =
      typeof (input as NodeJS.ReadableStream).pipe === 'function' && input instanceof Readable
        ? input
        : Readable.from(input as Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>, {
            objectMode: false,
          });
    source.on('error', (err) => {
      onError(err);
      stdin.destroy();
    });
    source.pipe(stdin);
  }
}

let handoff: Normalized | null = null;

/** Internal hooks for run() and pipeline(); not part of the public API. */
export interface PopenInternals {
  communicate(
    p: Popen<Buffer | string>,
    input: InputOption | undefined,
    timeoutMs: number | undefined,
    kill: boolean,
  ): Promise<Outputs<Buffer | string>>;
  expire(p: Popen<Buffer | string>, timeoutMs: number): Promise<void>;
  handOffStdout(p: Popen<Buffer | string>): Socket;
  partial(p: Popen<Buffer | string>): Outputs<Buffer | string>;
  options(p: Popen<Buffer | string>): Normalized;
  signal(p: Popen<Buffer | string>): NodeJS.Signals | null;
}

let internals!: PopenInternals;

/**
 * A running child process: Python's `subprocess.Popen`. Create it with `popen()` (or `new Popen()`).
 *
 * @example
 * const p = popen(['sort'], { stdin: PIPE, stdout: PIPE, text: true });
 * const { stdout } = await p.communicate('b\na\n');
 * stdout // => 'a\nb\n'
 */
export class Popen<T extends Buffer | string = Buffer> {
  /** The command as given. */
  readonly args: Command;
  /** Process id of the child. */
  readonly pid: number;
  /** Writable end of the child's stdin when `stdin: PIPE`, else `null`. */
  readonly stdin: Writable | null;
  #stdout: Readable | null;
  /** Readable end of the child's stderr when `stderr: PIPE`, else `null`. */
  readonly stderr: Readable | null;

  #o: Normalized;
  #child: ChildProcess;
  #tracked: Tracked;
  #returncode: number | null = null;
  #signal: NodeJS.Signals | null = null;
  #exit: Promise<void>;
  #closed: Promise<void>;
  #isClosed = false;
  #collected: Promise<void> | null = null;
  #out: Sink | null = null;
  #err: Sink | null = null;
  #failure: Failure | null = null;
  #killing: Promise<void> | null = null;
  #onAbort: (() => void) | null = null;

  /**
   * Starts the child. Throws `CommandNotFound` or `SpawnError` at once when it cannot start.
   * @param args the program and its arguments (or one string with `shell`)
   */
  constructor(args: readonly string[] | string, options: PopenOptions = {}) {
    const o = handoff ?? normalize(args, options, 'popen', POPEN_KEYS);
    handoff = null;
    this.#o = o;
    this.args = o.cmd;
    if (o.merged && !o.shell) {
      // The merging shell would turn a missing program into exit status 127; report it properly.
      const found = lookup(
        (o.cmd as readonly string[])[0]!,
        (o.env ?? process.env).PATH,
        o.cwd ?? process.cwd(),
      );
      if (found.path === null)
        throw describeSpawnFailure({ ...o, file: (o.cmd as readonly string[])[0]! }, undefined);
    }
    if (o.signal?.aborted) throw new AbortError(o.cmd, null, null, o.signal.reason);
    let child: ChildProcess;
    try {
      child = spawn(o.file, o.argv.slice(1), {
        cwd: o.cwd,
        env: o.env as NodeJS.ProcessEnv | undefined,
        stdio: o.stdio,
        detached: o.killTree,
        argv0: o.argv0 ?? o.argv[0],
        windowsHide: true,
      });
    } catch (err) {
      throw describeSpawnFailure(o, err);
    }
    if (child.pid === undefined) {
      // The spawn failed synchronously; Node reports it again as an event on the next tick.
      child.on('error', noop);
      child.stdin?.destroy();
      child.stdout?.destroy();
      child.stderr?.destroy();
      throw describeSpawnFailure(o, undefined);
    }
    this.#child = child;
    this.pid = child.pid;
    this.#tracked = { pid: child.pid, tree: o.killTree, terminating: false };
    if (o.cleanup) track(this.#tracked);

    child.on('error', noop);
    // A child that exits without reading its input makes writes fail with EPIPE; Python ignores
    // that too. The error still reaches a write callback.
    child.stdin?.on('error', noop);
    this.stdin = o.exposed[0] ? child.stdin : null;
    this.#stdout = o.exposed[1] ? child.stdout : null;
    this.stderr = o.exposed[2] ? child.stderr : null;
    if (o.feed !== null && child.stdin) {
      writeInput(o, child.stdin, o.feed, (error) => this.#fail({ kind: 'input', error }));
    }
    if (o.stdoutSink && child.stdout) child.stdout.pipe(o.stdoutSink as Writable, { end: false });
    if (o.stderrSink && child.stderr) child.stderr.pipe(o.stderrSink as Writable, { end: false });

    this.#exit = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.#returncode = returncodeOf(code, signal);
        this.#signal = signal;
        if (!this.#tracked.terminating && o.cleanup) childExited(this.#tracked);
        resolve();
      });
    });
    this.#closed = new Promise((resolve) => {
      child.once('close', () => {
        this.#isClosed = true;
        if (this.#onAbort) o.signal?.removeEventListener('abort', this.#onAbort);
        resolve();
      });
    });
    if (o.signal) {
      const signal = o.signal;
      this.#onAbort = () => this.#fail({ kind: 'abort', reason: signal.reason });
      if (signal.aborted) this.#onAbort();
      else signal.addEventListener('abort', this.#onAbort, { once: true });
    }
  }

  static {
    internals = {
      communicate: (p, input, timeoutMs, kill) => p.#communicate(input, timeoutMs, kill),
      expire: (p, timeoutMs) => {
        p.#fail({ kind: 'timeout', timeoutMs });
        return p.#killing ?? Promise.resolve();
      },
      handOffStdout: (p) => {
        const s = p.#child.stdout as Socket;
        p.#stdout = null;
        return s;
      },
      partial: (p) => p.#partial(),
      options: (p) => p.#o,
      signal: (p) => p.#signal,
    };
  }

  /** Readable end of the child's stdout when `stdout: PIPE`, else `null`. */
  get stdout(): Readable | null {
    return this.#stdout;
  }

  /** Exit code once the child has exited (minus the signal number if a signal killed it), else `null`. */
  get returncode(): number | null {
    return this.#returncode;
  }

  /** Name of the signal that killed the child, or `null`. */
  get signalCode(): NodeJS.Signals | null {
    return this.#signal;
  }

  /** The returncode if the child has exited, else `null`; never blocks (Python's `poll()`). */
  poll(): number | null {
    return this.#returncode;
  }

  /**
   * Waits for the child to exit and returns its returncode. Does not read pipes: with
   * `stdout: PIPE` and lots of output, use `communicate()` (or read the stream) instead.
   * Rejects with `TimeoutExpired` after `timeoutMs` (the child keeps running), or with
   * `AbortError` when the `signal` option aborted.
   */
  async wait(options: WaitOptions = {}): Promise<number> {
    const timeoutMs = waitTimeout(options, 'wait');
    if (timeoutMs !== undefined && !(await settlesWithin(this.#exit, timeoutMs))) {
      throw new TimeoutExpired(this.args, timeoutMs, null, null);
    }
    await this.#exit;
    if (this.#failure?.kind === 'abort') {
      await this.#killing;
      throw this.#error(this.#failure);
    }
    return this.#returncode!;
  }

  /**
   * Writes `input` to stdin (then closes it) while reading stdout and stderr to the end, so it
   * never deadlocks however much each side writes; resolves when the child has exited.
   * `input` needs `stdin: PIPE`; only the first call may pass it. After `TimeoutExpired` the
   * child keeps running and a later call picks up where this one stopped.
   */
  async communicate(input?: InputOption, options: WaitOptions = {}): Promise<Outputs<T>> {
    const timeoutMs = waitTimeout(options, 'communicate');
    return (await this.#communicate(input, timeoutMs, false)) as Outputs<T>;
  }

  /**
   * Sends `sig` to the child only (Python's `send_signal`); a no-op once it has exited.
   * Use `terminate()`/`kill()` to signal the whole tree.
   */
  sendSignal(sig: NodeJS.Signals | number): void {
    if (this.#returncode !== null) return;
    signalTarget({ pid: this.pid, tree: false }, sig);
  }

  /** SIGTERM to the child, or to its whole process group with `killTree` (the default). */
  terminate(): void {
    if (this.#returncode !== null) return;
    signalTarget(this.#tracked, 'SIGTERM');
  }

  /** SIGKILL to the child, or to its whole process group with `killTree` (the default). */
  kill(): void {
    if (this.#returncode !== null) return;
    signalTarget(this.#tracked, 'SIGKILL');
  }

  /**
   * SIGTERM to the tree, SIGKILL after `graceMs` if anything survives; resolves once nothing of
   * it is left. This is what timeouts and aborts do.
   */
  terminateTree(graceMs: number = this.#o.killGraceMs): Promise<void> {
    checkMs('graceMs', graceMs);
    this.#killing ??= this.#killTree(graceMs);
    return this.#killing;
  }

  /**
   * Iterates the lines of a piped stream as strings without their line endings (in the
   * package's text encoding, `utf8` by default). With `newline: 'universal'`, `\r\n` and `\r`
   * end lines too.
   *
   * @example
   * for await (const line of p.lines()) console.log(line);
   */
  async *lines(
    stream: 'stdout' | 'stderr' | NodeJS.ReadableStream = 'stdout',
  ): AsyncGenerator<string, void, undefined> {
    const source = stream === 'stdout' ? this.stdout : stream === 'stderr' ? this.stderr : stream;
    if (!source)
      throw new TypeError(`lines(): ${String(stream)} is not a pipe (pass ${String(stream)}: PIPE)`);
    const universal = this.#o.newline === 'universal';
    const decoder = new StringDecoder(this.#o.encoding);
    let pending = '';
    for await (const chunk of source) {
      pending += typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer);
      const { lines, rest } = splitLines(pending, universal, false);
      pending = rest;
      yield* lines;
    }
    pending += decoder.end();
    const { lines, rest } = splitLines(pending, universal, true);
    yield* lines;
    if (rest !== '') yield rest;
  }

  #partial(): Outputs<Buffer | string> {
    return {
      stdout: decodeOutput(this.#out?.bytes() ?? null, this.#o),
      stderr: decodeOutput(this.#err?.bytes() ?? null, this.#o),
    };
  }

  #fail(f: Failure): void {
    if (this.#failure) return;
    this.#failure = f;
    void this.terminateTree();
  }

  async #killTree(graceMs: number): Promise<void> {
    await terminate(this.#tracked, graceMs, () => this.#returncode !== null);
    await this.#exit;
    untrack(this.#tracked);
    // A descendant that left the process group can still hold our pipes open; it must not be able
    // to make us wait forever (Python's run() hangs in that case).
    if (!(await settlesWithin(this.#closed, CUT_PIPES_AFTER_MS))) {
      this.#child.stdin?.destroy();
      this.#child.stdout?.destroy();
      this.#child.stderr?.destroy();
    }
  }

  #error(f: Failure): Error {
    const { stdout, stderr } = this.#partial();
    switch (f.kind) {
      case 'timeout':
        return new TimeoutExpired(this.args, f.timeoutMs, stdout, stderr);
      case 'abort':
        return new AbortError(this.args, stdout, stderr, f.reason);
      case 'maxBuffer':
        return new MaxBufferError(this.args, f.stream, this.#o.maxBuffer, stdout, stderr);
      case 'input':
        return f.error instanceof Error
          ? f.error
          : new ProcError('PROC_INVALID_OPTION', `input stream failed: ${String(f.error)}`);
    }
  }

  #startCollecting(input: InputOption | undefined): void {
    const child = this.#child;
    if (this.#collected) {
      if (input !== undefined)
        throw new TypeError('communicate(): cannot send input after communication started');
      return;
    }
    if (input !== undefined && !this.stdin)
      throw new TypeError('communicate(): sending input needs `stdin: PIPE`');
    if (this.stdout) {
      const sink = new Sink(this.#o.maxBuffer, () => this.#fail({ kind: 'maxBuffer', stream: 'stdout' }));
      this.#out = sink;
      this.stdout.on('data', (c: Buffer) => sink.push(c));
    }
    if (this.stderr) {
      const sink = new Sink(this.#o.maxBuffer, () => this.#fail({ kind: 'maxBuffer', stream: 'stderr' }));
      this.#err = sink;
      this.stderr.on('data', (c: Buffer) => sink.push(c));
    }
    if (this.stdin && child.stdin && !child.stdin.writableEnded) {
      if (input === undefined) child.stdin.end();
      else writeInput(this.#o, child.stdin, input, (error) => this.#fail({ kind: 'input', error }));
    }
    this.#collected = this.#closed;
  }

  async #communicate(
    input: InputOption | undefined,
    timeoutMs: number | undefined,
    kill: boolean,
  ): Promise<Outputs<Buffer | string>> {
    this.#startCollecting(input);
    const collected = this.#collected!;
    if (timeoutMs !== undefined && !this.#isClosed && !(await settlesWithin(collected, timeoutMs))) {
      if (!kill) {
        const { stdout, stderr } = this.#partial();
        throw new TimeoutExpired(this.args, timeoutMs, stdout, stderr);
      }
      this.#fail({ kind: 'timeout', timeoutMs });
    }
    await collected;
    if (this.#failure) {
      await this.#killing;
      throw this.#error(this.#failure);
    }
    await this.#exit;
    return this.#partial();
  }
}

/** Cuts complete lines off `text`; a final '\r' waits for the next chunk unless `final`. */
export function splitLines(
  text: string,
  universal: boolean,
  final: boolean,
): { lines: string[]; rest: string } {
  const re = universal ? /\r\n|\r|\n/g : /\n/g;
  const lines: string[] = [];
  let start = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (!final && m[0] === '\r' && m.index === text.length - 1) break;
    lines.push(text.slice(start, m.index));
    start = m.index + m[0].length;
  }
  return { lines, rest: text.slice(start) };
}

const WAIT_KEYS: ReadonlySet<string> = new Set(['timeoutMs']);

function waitTimeout(options: WaitOptions, fn: string): number | undefined {
  if (options === null || typeof options !== 'object')
    throw new TypeError(`${fn}(): options must be an object`);
  rejectUnknown(options, WAIT_KEYS, fn);
  return checkMs('timeoutMs', options.timeoutMs);
}

/** Resolves true if `p` settles within `ms`, false otherwise; never leaves a timer behind. */
export function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    p.then(
      () => {
        clearTimeout(timer);
        resolve(true);
      },
      () => {
        clearTimeout(timer);
        resolve(true);
      },
    );
  });
}

/**
 * Starts a child process and returns its `Popen` handle (Python's `subprocess.Popen(...)`).
 * Streams default to `INHERIT`; pass `PIPE` for the ones you want to talk to.
 *
 * @example
 * const p = popen(['du', '-sh', dir], { stdout: PIPE, stderr: PIPE, text: true });
 * const { stdout, stderr } = await p.communicate();
 * if (p.returncode !== 0) console.error(stderr);
 */
export function popen<const O extends PopenOptions = Record<never, never>>(
  args: readonly string[] | string,
  options?: O,
): Popen<OutputOf<O>> {
  return new Popen<OutputOf<O>>(args, options);
}

/** Starts a Popen from options already normalized by run()/pipeline(). */
export function popenNormalized(o: Normalized): Popen<Buffer | string> {
  handoff = o;
  try {
    return new Popen<Buffer | string>(o.cmd, {});
  } finally {
    handoff = null;
  }
}

export { internals };
