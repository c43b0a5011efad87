/** Every error code @cb/memo-decorators throws. Callers branch on `code`, never on the message. */
export type MemoErrorCode = 'MEMO_INVALID_OPTION' | 'MEMO_UNSUPPORTED_TARGET' | 'MEMO_VALIDATION_FAILED';

/**
 * Base class of the errors @cb/memo-decorators throws while a decorated function runs.
 * `err instanceof MemoError` is also true for `InvalidOptionError` and `UnsupportedTargetError`,
 * which are `TypeError`s (as Node's own argument errors are), so one check catches every error of
 * this package.
 */
export class MemoError extends Error {
  override name = 'MemoError';
  readonly code: MemoErrorCode;

  constructor(code: MemoErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    // `this` is the class `instanceof` was applied to: MemoError, or a subclass inheriting this.
    // biome-ignore lint/complexity/noThisInStatic: subclasses need their own, exact check
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    // Only the base class widens the check; `instanceof ValidationError` stays exact.
    // biome-ignore lint/complexity/noThisInStatic: see above
    const isBase = this === MemoError;
    return isBase && (value instanceof InvalidOptionError || value instanceof UnsupportedTargetError);
  }
}

/**
 * A `validate` predicate rejected the arguments and `onInvalid` is `'throw'`.
 *
 * @example
 * try { safeDivide(1, 0); } catch (err) { if (err instanceof ValidationError) console.log(err.args); }
 */
export class ValidationError extends MemoError {
  override name = 'ValidationError';
  /** Name of the validated function (its `name`, the method name or the `label` option). */
  readonly functionName: string;
  /** The arguments the predicate rejected, in call order. */
  readonly args: readonly unknown[];

  constructor(functionName: string, args: readonly unknown[], message: string) {
    super('MEMO_VALIDATION_FAILED', message);
    this.functionName = functionName;
    this.args = args;
  }
}

/**
 * An option has an unknown key or a bad value. Thrown when the decorator or wrapper is created
 * (decoration time), never on a call. It is a `TypeError`, as Node's own option checks are.
 */
export class InvalidOptionError extends TypeError {
  override name = 'InvalidOptionError';
  readonly code = 'MEMO_INVALID_OPTION' as const;
  /** The option key at fault. */
  readonly option: string;
  /** The value that was given for it. */
  readonly value: unknown;

  constructor(option: string, value: unknown, message: string) {
    super(message);
    this.option = option;
    this.value = value;
  }
}

/**
 * A decorator was applied to something it cannot wrap: a class, a setter, or a field/accessor
 * whose value is not a function. A `TypeError`, thrown at decoration time (or when the field or
 * accessor is initialized or set with a non-function).
 */
export class UnsupportedTargetError extends TypeError {
  override name = 'UnsupportedTargetError';
  readonly code = 'MEMO_UNSUPPORTED_TARGET' as const;
  /** The decorator (`memoize`, `timed`, `validate`, `cachedProperty`). */
  readonly decorator: string;
  /** What it was applied to: a decorator context `kind`, or `typeof` the value. */
  readonly target: string;

  constructor(decorator: string, target: string, message: string) {
    super(message);
    this.decorator = decorator;
    this.target = target;
  }
}
