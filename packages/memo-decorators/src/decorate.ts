import { InvalidOptionError, UnsupportedTargetError } from './errors.js';
import type { AnyFunction } from './wraps.js';

/**
 * The class-member half of every decorator here: TC39 standard decorators (TypeScript 5
 * without `experimentalDecorators`) for methods (instance and static), getters, and `accessor`
 * fields or plain fields that hold a function.
 */
export interface ClassMemberDecorator {
  /** On a method (instance or static). */
  <This, Args extends unknown[], R>(
    value: (this: This, ...args: Args) => R,
    context: ClassMethodDecoratorContext<This, (this: This, ...args: Args) => R>,
  ): (this: This, ...args: Args) => R;
  /** On a getter. */
  <This, R>(value: (this: This) => R, context: ClassGetterDecoratorContext<This, R>): (this: This) => R;
  /** On an `accessor` field holding a function: the stored function is wrapped on init and on set. */
  <This, V extends AnyFunction | undefined>(
    value: ClassAccessorDecoratorTarget<This, V>,
    context: ClassAccessorDecoratorContext<This, V>,
  ): ClassAccessorDecoratorResult<This, V>;
  /** On a field holding a function: the initial value is wrapped. */
  <This, V extends AnyFunction | undefined>(
    value: undefined,
    context: ClassFieldDecoratorContext<This, V>,
  ): (this: This, value: V) => V;
}

/**
 * What `timed(options)` and `validate(predicate, options)` return: a wrapper for any function
 * (`dec(fn)`) that is also a standard decorator (`@dec`). The class-member signatures are
 * inherited; TypeScript tries this interface's own signature first, then the inherited ones.
 */
export interface Decorator extends ClassMemberDecorator {
  /** Wraps a plain function; the result has its name, length and own properties (see `wraps`). */
  <F extends AnyFunction>(fn: F): F;
}

type Ctx = {
  kind: string;
  name: string | symbol;
  static?: boolean;
};

/** How one decorator wraps each kind of target. */
export interface DecoratorSpec {
  decorator: string;
  wrapFunction(fn: AnyFunction, name: string): AnyFunction;
  wrapMethod?(fn: AnyFunction, name: string): AnyFunction;
  wrapGetter?(fn: AnyFunction, name: string): AnyFunction;
}

/** Display name of a class member key. */
export function memberName(name: string | symbol): string {
  return typeof name === 'symbol' ? `[${name.description ?? ''}]` : name;
}

/** True for a TC39 decorator context object (what a bare `@decorator` receives second). */
export function isContext(value: unknown): value is Ctx {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Ctx).kind === 'string' &&
    (typeof (value as Ctx).name === 'string' || typeof (value as Ctx).name === 'symbol')
  );
}

/** Builds the runtime function behind `Decorator` from a spec. */
export function createDecorator(spec: DecoratorSpec): (value: unknown, context?: unknown) => unknown {
  const ensure = (value: unknown, name: string, kind: string): AnyFunction | undefined => {
    if (value === undefined || value === null) return value as undefined;
    if (typeof value !== 'function') {
      throw new UnsupportedTargetError(
        spec.decorator,
        typeof value,
        `${spec.decorator} on the ${kind} \`${name}\` needs a function value, got ${typeof value}`,
      );
    }
    return spec.wrapFunction(value as AnyFunction, name);
  };
  return (value: unknown, context?: unknown): unknown => {
    if (context === undefined) {
      if (typeof value !== 'function') {
        throw new UnsupportedTargetError(
          spec.decorator,
          typeof value,
          `${spec.decorator} wraps a function, got ${value === null ? 'null' : typeof value}`,
        );
      }
      return spec.wrapFunction(value as AnyFunction, (value as AnyFunction).name);
    }
    if (!isContext(context)) {
      throw new UnsupportedTargetError(
        spec.decorator,
        typeof context,
        `${spec.decorator}: the second argument must be a decorator context (use it as @${spec.decorator}(...))`,
      );
    }
    const name = memberName(context.name);
    switch (context.kind) {
      case 'method':
        return (spec.wrapMethod ?? spec.wrapFunction)(value as AnyFunction, name);
      case 'getter':
        return (spec.wrapGetter ?? spec.wrapFunction)(value as AnyFunction, name);
      case 'accessor': {
        const target = value as ClassAccessorDecoratorTarget<unknown, unknown>;
        return {
          init(this: unknown, initial: unknown) {
            return ensure(initial, name, 'accessor');
          },
          set(this: unknown, next: unknown) {
            target.set.call(this, ensure(next, name, 'accessor'));
          },
        };
      }
      case 'field':
        return (initial: unknown) => ensure(initial, name, 'field');
      default:
        throw new UnsupportedTargetError(
          spec.decorator,
          context.kind,
          `${spec.decorator} cannot decorate a ${context.kind} (\`${name}\`): use it on a method, getter, accessor or field holding a function`,
        );
    }
  };
}

/**
 * The entry point of `memoize` and `timed`: `(fn, options)` wraps `fn` at once, `(options)`
 * returns a decorator, and a bare `@dec` (a value and a decorator context) is `@dec()`.
 */
export function twoForms<C>(
  decorator: string,
  normalize: (raw: unknown) => C,
  wrapFunction: (fn: AnyFunction, config: C) => AnyFunction,
  decoratorFor: (config: C) => (value: unknown, context?: unknown) => unknown,
): (fnOrOptions?: unknown, options?: unknown) => unknown {
  return (fnOrOptions, options) => {
    if (isContext(options)) return decoratorFor(normalize(undefined))(fnOrOptions, options);
    if (typeof fnOrOptions === 'function') {
      return wrapFunction(fnOrOptions as AnyFunction, normalize(options));
    }
    if (options !== undefined) {
      throw new InvalidOptionError(
        'options',
        options,
        `${decorator}: pass options as the only argument (${decorator}(options)) or after the function (${decorator}(fn, options))`,
      );
    }
    return decoratorFor(normalize(fnOrOptions));
  };
}
