import { CalledProcessError } from './errors.js';
import {
  applyCaptureAndInput,
  checkMs,
  normalize,
  type OutputOf,
  PIPE,
  RUN_KEYS,
  type RunOptions,
  rejectUnknown,
} from './options.js';
import { internals, type Popen, popenNormalized, settlesWithin } from './popen.js';

/** Options of `pipeline()`: those of `run()` except `shell` and `argv0`, which are per program. */
export type PipelineOptions = Omit<RunOptions, 'shell' | 'argv0'>;

const PIPELINE_KEYS: ReadonlySet<string> = new Set(
  [...RUN_KEYS].filter((k) => k !== 'shell' && k !== 'argv0'),
);

/** What `pipeline()` resolves to. */
export interface PipelineResult<T extends Buffer | string = Buffer> {
  /** Every stage's command. */
  readonly args: readonly (readonly string[])[];
  /** Every stage's returncode, in order (minus the signal number for a stage a signal killed). */
  readonly returncodes: readonly number[];
  /** Every stage's killing signal name, or `null`. */
  readonly signals: readonly (NodeJS.Signals | null)[];
  /** `pipefail` semantics: the rightmost non-zero returncode, or 0 when every stage succeeded. */
  readonly returncode: number;
  /** The last stage's captured stdout, or `null`. */
  readonly stdout: T | null;
  /** Captured stderr of every stage, concatenated in stage order, or `null`. */
  readonly stderr: T | null;
}

/**
 * Runs programs connected stdout-to-stdin like `a | b | c`, without a shell: the stages talk
 * through OS pipes directly, and the parent only sees the ends it asked for. `input`/`stdin` feed
 * the first stage, `stdout`/`capture` apply to the last, `stderr` to every stage. With `check`, a
 * non-zero exit of any stage (`pipefail`) throws `CalledProcessError` naming the stage. A timeout
 * or abort kills every stage's tree.
 *
 * @example
 * const r = await pipeline([['ps', 'ax'], ['grep', 'node'], ['wc', '-l']], { capture: true, text: true });
 * r.stdout // => '3\n'
 */
export async function pipeline<const O extends PipelineOptions = Record<never, never>>(
  stages: readonly (readonly string[])[],
  options?: O,
): Promise<PipelineResult<OutputOf<O>>> {
  const opts = (options ?? {}) as RunOptions;
  if (opts === null || typeof opts !== 'object') throw new TypeError('pipeline(): options must be an object');
  rejectUnknown(opts, PIPELINE_KEYS, 'pipeline');
  if (!Array.isArray(stages) || stages.length === 0)
    throw new TypeError('pipeline(): needs a non-empty array of commands');
  const {
    input,
    capture: _c,
    check: _k,
    timeoutMs: _t,
    stdin,
    stdout,
    stderr,
    ...common
  } = applyCaptureAndInput('pipeline', opts);
  const timeoutMs = checkMs('timeoutMs', opts.timeoutMs);
  const last = stages.length - 1;

  // Validate every stage before starting any, so a typo does not leave half a pipeline running.
  const normalized = stages.map((args, i) => {
    const stageOpts: RunOptions = { ...common };
    if (stderr !== undefined) stageOpts.stderr = stderr;
    if (i === 0 && stdin !== undefined) stageOpts.stdin = stdin;
    if (i === last) {
      if (stdout !== undefined) stageOpts.stdout = stdout;
    } else stageOpts.stdout = PIPE;
    return normalize(args, stageOpts, 'pipeline', PIPELINE_KEYS);
  });

  const procs: Popen<Buffer | string>[] = [];
  try {
    for (let i = 0; i <= last; i++) {
      let o = normalized[i]!;
      if (i > 0) {
        // The next stage reads straight from the previous one's pipe; the parent lets go of its
        // copy in the same tick, before the event loop could read a byte from it.
        const upstream = internals.handOffStdout(procs[i - 1]!);
        o = { ...o, stdio: [upstream, o.stdio[1], o.stdio[2]] };
        try {
          procs.push(popenNormalized(o));
        } finally {
          upstream.destroy();
        }
      } else procs.push(popenNormalized(o));
    }
  } catch (err) {
    await Promise.all(procs.map((p) => p.terminateTree()));
    throw err;
  }

  const finished = procs.map((p, i) =>
    internals.communicate(p, i === 0 ? input : undefined, undefined, true).then(
      (out) => ({ ok: true as const, out }),
      (error: unknown) => ({ ok: false as const, error }),
    ),
  );
  const all = Promise.all(finished);
  let timedOut = false;
  if (timeoutMs !== undefined && !(await settlesWithin(all, timeoutMs))) {
    timedOut = true;
    await Promise.all(procs.map((p) => internals.expire(p, timeoutMs)));
  }
  const results = await all;
  const failed = results.find((r) => !r.ok);
  if (failed && !failed.ok) {
    if (!timedOut) await Promise.all(procs.map((p) => p.terminateTree()));
    throw failed.error;
  }
  const outs = results.map((r) => (r.ok ? r.out : { stdout: null, stderr: null }));
  const o = internals.options(procs[last]!);
  const errs = outs.map((x) => x.stderr).filter((x) => x !== null);
  let stderrOut: Buffer | string | null = null;
  if (errs.length > 0) {
    stderrOut = errs.every((x) => typeof x === 'string')
      ? errs.join('')
      : Buffer.concat(errs.map((x) => (typeof x === 'string' ? Buffer.from(x, o.encoding) : x)));
  }
  const returncodes = procs.map((p) => p.returncode!);
  const signals = procs.map((p) => internals.signal(p));
  let failing = -1;
  for (let i = last; i >= 0; i--) {
    if (returncodes[i] !== 0) {
      failing = i;
      break;
    }
  }
  const result: PipelineResult<OutputOf<O>> = {
    args: normalized.map((n) => n.cmd as readonly string[]),
    returncodes,
    signals,
    returncode: failing < 0 ? 0 : returncodes[failing]!,
    stdout: outs[last]!.stdout as OutputOf<O> | null,
    stderr: stderrOut as OutputOf<O> | null,
  };
  if (opts.check && failing >= 0) {
    throw new CalledProcessError(
      result.args[failing]!,
      result.returncode,
      signals[failing]!,
      result.stdout,
      result.stderr,
      failing,
    );
  }
  return result;
}
