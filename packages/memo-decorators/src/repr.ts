import { inspect } from 'node:util';

const OPTS = { depth: 2, breakLength: Number.POSITIVE_INFINITY, maxArrayLength: 10, maxStringLength: 200 };

/**
 * Arguments as Python prints a tuple, values shown by `util.inspect`: `('a',)`, `(1, 'b')`, `()`.
 * Used by `timed`'s default line and `ValidationError` messages.
 *
 * @example
 * formatArgs(['anitalavalatina']); // "('anitalavalatina',)"
 */
export function formatArgs(args: readonly unknown[]): string {
  const parts = args.map((a) => inspect(a, OPTS));
  return `(${parts.join(', ')}${parts.length === 1 ? ',' : ''})`;
}

/** A result as Python's `str()` shows it: strings bare, everything else inspected. */
export function formatValue(value: unknown): string {
  return typeof value === 'string' ? value : inspect(value, OPTS);
}
