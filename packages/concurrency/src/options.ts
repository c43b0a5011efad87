import { AbortError, ConcurrencyError, TimeoutError } from './errors.js';

/** Options every waiting call accepts. */
export interface WaitOptions {
  /** Cancels the wait; the call rejects with an `AbortError` whose `cause` is the signal's reason. */
  signal?: AbortSignal;
  /** Gives up after this many milliseconds. @default Infinity (wait forever) */
  timeout?: number;
}

/** The normalized, frozen shape of {@link WaitOptions}. */
export interface NormalizedWait {
  readonly signal: AbortSignal | undefined;
  readonly timeout: number;
}

const NO_WAIT_OPTIONS: NormalizedWait = Object.freeze({
  signal: undefined,
  timeout: Number.POSITIVE_INFINITY,
});
const WAIT_KEYS = new Set(['signal', 'timeout']);

/** Throws a `TypeError` naming the first key of `raw` that is not in `known`. */
export function checkKeys(raw: object, known: ReadonlySet<string>, where: string): void {
  for (const key of Object.keys(raw)) {
    if (!known.has(key)) throw new TypeError(`${where}: unknown option \`${key}\``);
  }
}

/** Validates `{ signal, timeout }` once at the boundary. */
export function normalizeWait(raw: WaitOptions | undefined, where: string): NormalizedWait {
  if (raw === undefined) return NO_WAIT_OPTIONS;
  if (raw === null || typeof raw !== 'object') throw new TypeError(`${where}: options must be an object`);
  checkKeys(raw, WAIT_KEYS, where);
  return Object.freeze({ signal: checkSignal(raw.signal, where), timeout: checkTimeout(raw.timeout, where) });
}

/** Validates an optional `AbortSignal`. */
export function checkSignal(signal: unknown, where: string): AbortSignal | undefined {
  if (signal === undefined) return undefined;
  if (!(signal instanceof AbortSignal)) {
    throw new ConcurrencyError('INVALID_OPTION', `${where}: \`signal\` must be an AbortSignal`);
  }
  return signal;
}

/** Validates an optional timeout in milliseconds (`>= 0`, `Infinity` allowed). */
export function checkTimeout(timeout: unknown, where: string, name = 'timeout'): number {
  if (timeout === undefined) return Number.POSITIVE_INFINITY;
  if (typeof timeout !== 'number' || Number.isNaN(timeout) || timeout < 0) {
    throw new ConcurrencyError(
      'INVALID_OPTION',
      `${where}: \`${name}\` must be a number of milliseconds >= 0, got ${String(timeout)}`,
    );
  }
  return timeout;
}

/** Validates a positive integer count (`Infinity` allowed when `allowInfinity`). */
export function checkCount(
  value: unknown,
  where: string,
  name: string,
  min = 1,
  allowInfinity = false,
): number {
  const ok =
    typeof value === 'number' &&
    ((Number.isInteger(value) && value >= min) || (allowInfinity && value === Number.POSITIVE_INFINITY));
  if (!ok) {
    throw new ConcurrencyError(
      'INVALID_OPTION',
      `${where}: \`${name}\` must be an integer >= ${min}${allowInfinity ? ' or Infinity' : ''}, got ${String(value)}`,
    );
  }
  return value as number;
}

/** A fresh `AbortError` for a signal that fired. */
export function abortErrorFor(signal: AbortSignal, what: string): AbortError {
  return new AbortError(`${what} was aborted`, { cause: signal.reason });
}

/** A fresh `TimeoutError`. */
export function timeoutErrorFor(timeout: number, what: string): TimeoutError {
  return new TimeoutError(`${what} timed out after ${timeout} ms`, timeout);
}
