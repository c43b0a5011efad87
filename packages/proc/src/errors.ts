import { join } from './quote.js';

/** Every error code @cb/proc throws. Callers branch on `code`, never on the message. */
export type ProcErrorCode =
  | 'PROC_INVALID_OPTION'
  | 'PROC_SHLEX_SYNTAX'
  | 'PROC_CALLED_PROCESS_ERROR'
  | 'PROC_TIMEOUT'
  | 'PROC_MAX_BUFFER'
  | 'PROC_COMMAND_NOT_FOUND'
  | 'PROC_SPAWN_FAILED'
  | 'PROC_ABORTED';

/** Captured output carried by an error: a `Buffer`, a `string` in text mode, or `null` when not captured. */
export type CapturedOutput = Buffer | string | null;

/** The command as it was given: an argument array, or a shell string with `shell: true`. */
export type Command = readonly string[] | string;

/** Base class of every error @cb/proc throws. */
export class ProcError extends Error {
  override name = 'ProcError';
  readonly code: ProcErrorCode;

  constructor(code: ProcErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/** A command line that `split()` cannot parse (Python raises `ValueError` with the same message). */
export class ShlexError extends ProcError {
  override name = 'ShlexError';
  /** The string being split. */
  readonly input: string;
  /** Offset in `input` (UTF-16 code units) of the quote left open or the backslash with nothing after it. */
  readonly position: number;

  constructor(message: string, input: string, position: number) {
    super('PROC_SHLEX_SYNTAX', message);
    this.input = input;
    this.position = position;
  }
}

/**
 * Base class of the failures of a child process (Python's `subprocess.SubprocessError`).
 * `catch (e) { if (e instanceof SubprocessError) ... }` catches every way a command can fail.
 */
export class SubprocessError extends ProcError {
  override name = 'SubprocessError';
  /** The command that ran (arguments array, or the shell string). */
  readonly cmd: Command;
  /** Output captured from stdout before the failure (`null` when not captured). */
  readonly stdout: CapturedOutput;
  /** Output captured from stderr before the failure (`null` when not captured). */
  readonly stderr: CapturedOutput;

  constructor(
    code: ProcErrorCode,
    message: string,
    cmd: Command,
    stdout: CapturedOutput,
    stderr: CapturedOutput,
    options?: ErrorOptions,
  ) {
    super(code, message, options);
    this.cmd = cmd;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /** Python's alias of `stdout`. */
  get output(): CapturedOutput {
    return this.stdout;
  }
}

/** Renders a command for a message: a shell-quoted line a user can paste. */
export function describeCommand(cmd: Command): string {
  return typeof cmd === 'string' ? cmd : join(cmd);
}

const TAIL_LINES = 10;
const TAIL_CHARS = 2000;

/** The last lines of captured output, for error messages. */
export function tail(output: CapturedOutput): string {
  if (output === null || output.length === 0) return '';
  let text = typeof output === 'string' ? output : output.subarray(-TAIL_CHARS * 4).toString('utf8');
  if (text.length > TAIL_CHARS) text = `...${text.slice(-TAIL_CHARS)}`;
  const lines = text.replace(/\s+$/, '').split('\n');
  return lines.length > TAIL_LINES ? ['...', ...lines.slice(-TAIL_LINES)].join('\n') : lines.join('\n');
}

function withTail(message: string, stderr: CapturedOutput, stdout: CapturedOutput): string {
  const err = tail(stderr);
  if (err) return `${message}\n--- stderr (tail) ---\n${err}`;
  const out = tail(stdout);
  if (out) return `${message}\n--- stdout (tail) ---\n${out}`;
  return message;
}

/** A command exited with a non-zero code or died by a signal while `check` was on. */
export class CalledProcessError extends SubprocessError {
  override name = 'CalledProcessError';
  /** Exit code, or the negated signal number when the process was killed by a signal (as in Python). */
  readonly returncode: number;
  /** Name of the signal that killed the process, or `null` when it exited. */
  readonly signal: NodeJS.Signals | null;
  /** In a pipeline: the index of the stage that failed (the rightmost non-zero one); otherwise `null`. */
  readonly stage: number | null;

  constructor(
    cmd: Command,
    returncode: number,
    signal: NodeJS.Signals | null,
    stdout: CapturedOutput,
    stderr: CapturedOutput,
    stage: number | null = null,
  ) {
    const how = signal ? `was killed by ${signal}` : `exited with code ${returncode}`;
    const where = stage === null ? '' : ` (pipeline stage ${stage})`;
    super(
      'PROC_CALLED_PROCESS_ERROR',
      withTail(`Command \`${describeCommand(cmd)}\`${where} ${how}`, stderr, stdout),
      cmd,
      stdout,
      stderr,
    );
    this.returncode = returncode;
    this.signal = signal;
    this.stage = stage;
  }
}

/** A command ran longer than `timeoutMs`. `stdout`/`stderr` hold what it printed until then. */
export class TimeoutExpired extends SubprocessError {
  override name = 'TimeoutExpired';
  /** The limit that expired, in milliseconds. */
  readonly timeoutMs: number;

  constructor(cmd: Command, timeoutMs: number, stdout: CapturedOutput, stderr: CapturedOutput) {
    super(
      'PROC_TIMEOUT',
      withTail(`Command \`${describeCommand(cmd)}\` timed out after ${timeoutMs} ms`, stderr, stdout),
      cmd,
      stdout,
      stderr,
    );
    this.timeoutMs = timeoutMs;
  }
}

/** A captured stream grew past `maxBuffer` bytes; the process tree was killed. */
export class MaxBufferError extends SubprocessError {
  override name = 'MaxBufferError';
  /** Which stream overflowed. */
  readonly stream: 'stdout' | 'stderr';
  /** The limit in bytes. */
  readonly maxBuffer: number;

  constructor(
    cmd: Command,
    stream: 'stdout' | 'stderr',
    maxBuffer: number,
    stdout: CapturedOutput,
    stderr: CapturedOutput,
  ) {
    super(
      'PROC_MAX_BUFFER',
      `Command \`${describeCommand(cmd)}\` wrote more than maxBuffer (${maxBuffer} bytes) to ${stream}; ` +
        'the process was killed. Raise `maxBuffer`, or stream the output with popen() instead of capturing it',
      cmd,
      stdout,
      stderr,
    );
    this.stream = stream;
    this.maxBuffer = maxBuffer;
  }
}

/** The executable could not be found (Python raises `FileNotFoundError`). */
export class CommandNotFound extends SubprocessError {
  override name = 'CommandNotFound';
  /** The program name as given (`args[0]`). */
  readonly command: string;
  /** The directories searched, from the `PATH` the child would have used (empty for a path with a `/`). */
  readonly searched: readonly string[];

  constructor(cmd: Command, command: string, searched: readonly string[], options?: ErrorOptions) {
    const where = command.includes('/')
      ? `: no such file \`${command}\``
      : searched.length
        ? ` in PATH (${searched.join(':')})`
        : ' (PATH is empty)';
    super('PROC_COMMAND_NOT_FOUND', `Command not found: \`${command}\`${where}`, cmd, null, null, options);
    this.command = command;
    this.searched = searched;
  }
}

/** The OS refused to start the process for another reason (bad `cwd`, permission denied, ...). */
export class SpawnError extends SubprocessError {
  override name = 'SpawnError';
  /** The OS error code, e.g. `EACCES`, or `ENOENT` for a missing `cwd`. */
  readonly errno: string;

  constructor(cmd: Command, errno: string, detail: string, options?: ErrorOptions) {
    super(
      'PROC_SPAWN_FAILED',
      `Cannot start \`${describeCommand(cmd)}\`: ${detail}`,
      cmd,
      null,
      null,
      options,
    );
    this.errno = errno;
  }
}

/** The `signal` passed in options was aborted; the process tree was killed. `cause` is the abort reason. */
export class AbortError extends SubprocessError {
  override name = 'AbortError';

  constructor(cmd: Command, stdout: CapturedOutput, stderr: CapturedOutput, reason: unknown) {
    super(
      'PROC_ABORTED',
      `Command \`${describeCommand(cmd)}\` was aborted`,
      cmd,
      stdout,
      stderr,
      reason === undefined ? undefined : { cause: reason },
    );
  }
}
