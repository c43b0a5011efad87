import { CalledProcessError, type Command } from './errors.js';
import {
  applyCaptureAndInput,
  checkMs,
  type InputOption,
  normalize,
  type OutputOf,
  PIPE,
  RUN_KEYS,
  type RunOptions,
} from './options.js';
import { internals, popenNormalized } from './popen.js';

/** The result of `run()`: Python's `subprocess.CompletedProcess`. */
export class CompletedProcess<T extends Buffer | string = Buffer> {
  /** The command as given. */
  readonly args: Command;
  /** Exit code, or minus the signal number when a signal killed the process. */
  readonly returncode: number;
  /** Captured stdout, or `null` when stdout was not captured. */
  readonly stdout: T | null;
  /** Captured stderr, or `null` when stderr was not captured (or merged into stdout). */
  readonly stderr: T | null;
  /** Name of the signal that killed the process, or `null` when it exited. */
  readonly signal: NodeJS.Signals | null;

  constructor(
    args: Command,
    returncode: number,
    stdout: T | null,
    stderr: T | null,
    signal: NodeJS.Signals | null = null,
  ) {
    this.args = args;
    this.returncode = returncode;
    this.stdout = stdout;
    this.stderr = stderr;
    this.signal = signal;
  }

  /** Throws `CalledProcessError` when `returncode` is not 0 (Python's `check_returncode()`). */
  checkReturncode(): void {
    if (this.returncode !== 0) {
      throw new CalledProcessError(this.args, this.returncode, this.signal, this.stdout, this.stderr);
    }
  }
}

function prepare(fn: string, options: RunOptions, extra?: (o: RunOptions) => RunOptions): RunOptions {
  if (options === null || typeof options !== 'object')
    throw new TypeError(`${fn}(): options must be an object`);
  const o = applyCaptureAndInput(fn, options);
  return extra ? extra(o) : o;
}

async function execute<T extends Buffer | string>(
  fn: string,
  args: readonly string[] | string,
  options: RunOptions,
  check: boolean | undefined,
): Promise<CompletedProcess<T>> {
  const o = normalize(args, options, fn, RUN_KEYS);
  const timeoutMs = checkMs('timeoutMs', options.timeoutMs);
  const p = popenNormalized(o);
  const input: InputOption | undefined = options.input;
  const { stdout, stderr } = await internals.communicate(p, input, timeoutMs, true);
  const done = new CompletedProcess<T>(
    o.cmd,
    p.returncode!,
    stdout as T | null,
    stderr as T | null,
    internals.signal(p),
  );
  if (check ?? options.check) done.checkReturncode();
  return done;
}

/**
 * Runs a command to completion (Python's `subprocess.run`). Output is captured only when asked
 * (`capture`, or `stdout`/`stderr: PIPE`); with `check` a failure throws `CalledProcessError`;
 * with `timeoutMs` the whole process tree is killed and `TimeoutExpired` carries the output so far.
 *
 * @example
 * const r = await run(['git', 'status', '--short'], { capture: true, text: true });
 * if (r.returncode === 0) console.log(r.stdout);
 */
export async function run<const O extends RunOptions = Record<never, never>>(
  args: readonly string[] | string,
  options?: O,
): Promise<CompletedProcess<OutputOf<O>>> {
  return execute<OutputOf<O>>('run', args, prepare('run', options ?? {}), undefined);
}

/**
 * Runs a command and returns its exit code (Python's `subprocess.call`); minus the signal number
 * if a signal killed it.
 *
 * @example
 * const code = await call(['ls', '-l']);
 */
export async function call(args: readonly string[] | string, options: RunOptions = {}): Promise<number> {
  const opts = prepare('call', options);
  return (await execute('call', args, opts, false)).returncode;
}

/**
 * Runs a command and throws `CalledProcessError` unless it exits with 0 (Python's
 * `subprocess.check_call`). Resolves to 0.
 *
 * @example
 * await checkCall(['make', 'install']);
 */
export async function checkCall(args: readonly string[] | string, options: RunOptions = {}): Promise<0> {
  await execute('checkCall', args, prepare('checkCall', options), true);
  return 0;
}

/** Options of `checkOutput()`: stdout is always captured, so it cannot be redirected. */
export type CheckOutputOptions = Omit<RunOptions, 'stdout' | 'capture' | 'check'>;

/**
 * Runs a command and returns its stdout, throwing `CalledProcessError` on failure (Python's
 * `subprocess.check_output`). A `Buffer`, or a string with `text: true` or an `encoding`.
 * `stderr: STDOUT` captures both streams together, in order.
 *
 * @example
 * const branch = (await checkOutput(['git', 'branch', '--show-current'], { text: true })).trim();
 */
export async function checkOutput<const O extends CheckOutputOptions = Record<never, never>>(
  args: readonly string[] | string,
  options?: O,
): Promise<OutputOf<O>> {
  const raw = (options ?? {}) as RunOptions;
  for (const key of ['stdout', 'capture', 'check'] as const) {
    if (raw !== null && typeof raw === 'object' && key in raw) {
      throw new TypeError(`checkOutput(): \`${key}\` cannot be used here (stdout is always captured)`);
    }
  }
  const opts = prepare('checkOutput', raw, (o) => ({ ...o, stdout: PIPE }));
  const done = await execute<OutputOf<O>>('checkOutput', args, opts, true);
  return done.stdout as OutputOf<O>;
}
