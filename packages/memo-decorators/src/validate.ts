import { createDecorator, type Decorator } from './decorate.js';
import { InvalidOptionError, ValidationError } from './errors.js';
import { checkKeys, checkLabel, describe, reportedName } from './options.js';
import { formatArgs } from './repr.js';
import { type AnyFunction, wraps } from './wraps.js';

/** Options of `validate`. */
export interface ValidateOptions {
  /**
   * What a call with invalid arguments does instead of running the function:
   * - `'throw'`: throws a `ValidationError` naming the function and the arguments;
   * - a function: its return value is returned; it gets the same `this` and arguments;
   * - any other value: returned as is (Python cookbook's `if_invalid`).
   * To return a function or the string `'throw'` itself, pass a function that returns it.
   * @default 'throw'
   */
  onInvalid?: unknown;
  /** Name used in the error message instead of the function's. @default the function or member name */
  label?: string;
}

const KNOWN = ['onInvalid', 'label'] as const;

/**
 * Runs `predicate` on each call's arguments (with the call's `this`) before the function; when it
 * returns a falsy value, the function does not run and `onInvalid` decides the outcome.
 * The predicate must be synchronous; a throw from it reaches the caller.
 *
 * Returns a wrapper for any function that is also a standard decorator (`@validate(...)`).
 *
 * @throws {InvalidOptionError} a non-function predicate, unknown option keys, at once.
 * @example
 * const noSpaces = validate((s: string) => !s.includes(' '), { onInvalid: "input shouldn't contain spaces." });
 * const convert = noSpaces(convertToPalindrome);
 * convert('anita lava la tina'); // "input shouldn't contain spaces."
 */
export function validate<Args extends unknown[]>(
  predicate: (...args: Args) => unknown,
  options?: ValidateOptions,
): Decorator {
  if (typeof predicate !== 'function') {
    throw new InvalidOptionError(
      'predicate',
      predicate,
      `validate: the predicate must be a function, got ${describe(predicate)}`,
    );
  }
  const o = checkKeys('validate', options, KNOWN);
  const onInvalid = 'onInvalid' in o ? o.onInvalid : 'throw';
  const label = checkLabel('validate', o.label);
  const check = predicate as AnyFunction;
  const wrapFunction = (fn: AnyFunction, fallbackName: string): AnyFunction => {
    const name = reportedName(label, fallbackName, fn);
    const validated = function (this: unknown, ...args: unknown[]): unknown {
      if (check.apply(this, args as never[])) return fn.apply(this, args as never[]);
      if (onInvalid === 'throw') {
        throw new ValidationError(name, args, `${name} got invalid arguments ${formatArgs(args)}`);
      }
      return typeof onInvalid === 'function' ? onInvalid.apply(this, args) : onInvalid;
    };
    return wraps(validated, fn);
  };
  return createDecorator({ decorator: 'validate', wrapFunction }) as Decorator;
}
