import { createDecorator, type Decorator, twoForms } from './decorate.js';
import { InvalidOptionError } from './errors.js';
import { checkKeys, checkLabel, describe, reportedName } from './options.js';
import { formatArgs, formatValue } from './repr.js';
import { isThenable } from './thenable.js';
import { type AnyFunction, wraps } from './wraps.js';

/** What `timed` reports for one call. */
export type TimingReport = {
  /** The `label` option, else the function (or method) name. */
  readonly name: string;
  /** The arguments of the call. */
  readonly args: readonly unknown[];
  /** Wall time in nanoseconds, from the call until it returned or threw (for a promise: settled). */
  readonly durationNs: number;
} & (
  | { readonly ok: true; readonly result: unknown; readonly error?: undefined }
  | { readonly ok: false; readonly error: unknown; readonly result?: undefined }
);

/** Anything with an `info(message)` method, such as an `@cb/log` logger or `console`. */
export interface InfoLogger {
  info(message: string): unknown;
}

/** Where reports go: a function of the report, or a logger that gets the formatted line. */
export type TimingSink = ((report: TimingReport) => void) | InfoLogger;

/** Options of `timed`. */
export interface TimedOptions {
  /**
   * Receives every report. A function gets the report object; a logger's `info` gets the line
   * `spent 87 microseconds in name with arguments ('x',). Result was: y`.
   * @default prints that line with `console.log`
   */
  sink?: TimingSink;
  /** Name to report instead of the function's. @default the function or member name */
  label?: string;
  /**
   * Monotonic clock in nanoseconds.
   * @default process.hrtime.bigint
   */
  clock?: () => bigint;
}

/**
 * The cookbook's line for a report: `spent 87 microseconds in convertToPalindrome with arguments
 * ('anitalavalatina',). Result was: anitalavalatina` (`Raised: ...` for an error).
 */
export function formatTiming(report: TimingReport): string {
  const us = Math.round(report.durationNs / 1000);
  const outcome = report.ok
    ? `Result was: ${formatValue(report.result)}`
    : `Raised: ${formatValue(report.error)}`;
  return `spent ${us} microseconds in ${report.name} with arguments ${formatArgs(report.args)}. ${outcome}`;
}

const defaultSink = (report: TimingReport): void => {
  console.log(formatTiming(report));
};

const KNOWN = ['sink', 'label', 'clock'] as const;

interface TimedConfig {
  readonly emit: (report: TimingReport) => void;
  readonly label: string | undefined;
  readonly clock: () => bigint;
}

function normalize(raw: unknown): TimedConfig {
  const o = checkKeys('timed', raw, KNOWN);
  const sink = o.sink ?? defaultSink;
  let emit: (report: TimingReport) => void;
  if (typeof sink === 'function') emit = sink as (report: TimingReport) => void;
  else if (typeof sink === 'object' && sink !== null && typeof (sink as InfoLogger).info === 'function') {
    const logger = sink as InfoLogger;
    emit = (report) => {
      logger.info(formatTiming(report));
    };
  } else {
    throw new InvalidOptionError(
      'sink',
      sink,
      `timed: \`sink\` must be a function or an object with an info method, got ${describe(sink)}`,
    );
  }
  const label = checkLabel('timed', o.label);
  const clock = o.clock ?? process.hrtime.bigint;
  if (typeof clock !== 'function') {
    throw new InvalidOptionError(
      'clock',
      clock,
      `timed: \`clock\` must be a function, got ${describe(clock)}`,
    );
  }
  return Object.freeze({ emit, label, clock: clock as () => bigint });
}

function timeFunction(fn: AnyFunction, fallbackName: string, config: TimedConfig): AnyFunction {
  const { emit, clock } = config;
  const name = reportedName(config.label, fallbackName, fn);
  const timedFn = function (this: unknown, ...args: unknown[]): unknown {
    const start = clock();
    let result: unknown;
    try {
      result = fn.apply(this, args as never[]);
    } catch (error) {
      emit({ name, args, durationNs: Number(clock() - start), ok: false, error });
      throw error;
    }
    if (!isThenable(result)) {
      emit({ name, args, durationNs: Number(clock() - start), ok: true, result });
      return result;
    }
    return Promise.resolve(result).then(
      (value) => {
        emit({ name, args, durationNs: Number(clock() - start), ok: true, result: value });
        return value;
      },
      (error: unknown) => {
        emit({ name, args, durationNs: Number(clock() - start), ok: false, error });
        throw error;
      },
    );
  };
  return wraps(timedFn, fn);
}

/**
 * Measures each call's wall time with a monotonic nanosecond clock and reports
 * `{ name, args, durationNs, ok, result | error }` to `sink`. Sync calls are timed until they
 * return or throw; a returned promise until it settles (rejections too). The value, the throw or
 * the rejection reaches the caller unchanged. A throwing sink throws to the caller (nothing is
 * swallowed).
 *
 * Two forms: `timed(fn, options)` returns the timed function; `timed(options)` returns a
 * wrapper that is also a standard decorator (`@timed()` on methods, getters, function fields).
 *
 * @throws {InvalidOptionError} unknown option keys or bad values, at once.
 * @example
 * const convert = timed(convertToPalindrome);
 * convert('casa'); // spent 12 microseconds in convertToPalindrome with arguments ('casa',). Result was: casac
 *
 * class Api { @timed({ sink: logger }) async get(path: string) { ... } }
 */
export function timed<F extends AnyFunction>(fn: F, options?: TimedOptions): F;
export function timed(options?: TimedOptions): Decorator;
/** Bare `@timed` on a method: the same as `@timed()`. */
export function timed<This, Args extends unknown[], R>(
  value: (this: This, ...args: Args) => R,
  context: ClassMethodDecoratorContext<This, (this: This, ...args: Args) => R>,
): (this: This, ...args: Args) => R;
/** Bare `@timed` on a getter: the same as `@timed()`. */
export function timed<This, R>(
  value: (this: This) => R,
  context: ClassGetterDecoratorContext<This, R>,
): (this: This) => R;
export function timed(fnOrOptions?: unknown, options?: unknown): unknown {
  return timedEntry(fnOrOptions, options);
}

const timedEntry = twoForms(
  'timed',
  normalize,
  (fn, config) => timeFunction(fn, fn.name, config),
  decoratorFor,
);

function decoratorFor(config: TimedConfig) {
  return createDecorator({
    decorator: 'timed',
    wrapFunction: (fn, name) => timeFunction(fn, name, config),
  });
}
