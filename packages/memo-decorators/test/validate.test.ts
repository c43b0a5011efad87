import { describe, expect, it } from 'vitest';
import { InvalidOptionError, MemoError, ValidationError, validate } from '../src/index.js';

const noSpaces = (s: string) => !s.includes(' ');

describe('validate(predicate, options)', () => {
  it('runs the function only for valid arguments and returns onInvalid otherwise', () => {
    let runs = 0;
    const upper = validate(noSpaces, { onInvalid: "input shouldn't contain spaces." })((s: string) => {
      runs++;
      return s.toUpperCase();
    });
    expect(upper('menem')).toBe('MENEM');
    expect(upper('anita lava la tina')).toBe("input shouldn't contain spaces.");
    expect(runs).toBe(1);
  });

  it('throws a ValidationError naming the function and the arguments by default', () => {
    function divide(a: number, b: number) {
      return a / b;
    }
    const safe = validate((_a: number, b: number) => b !== 0)(divide);
    expect(safe(6, 3)).toBe(2);
    try {
      safe(1, 0);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationError);
      expect(err).toBeInstanceOf(MemoError);
      const e = err as ValidationError;
      expect(e.code).toBe('MEMO_VALIDATION_FAILED');
      expect(e.functionName).toBe('divide');
      expect(e.args).toEqual([1, 0]);
      expect(e.message).toBe('divide got invalid arguments (1, 0)');
    }
  });

  it('calls an onInvalid function with the same this and arguments', () => {
    const obj = {
      fallback: 'n/a',
      get: validate(
        function (this: { fallback: string }, key: string) {
          return key.length > 0 && this.fallback.length > 0;
        },
        {
          onInvalid(this: { fallback: string }, key: string) {
            return `${this.fallback}:${key}`;
          },
        },
      )(function (this: { fallback: string }, key: string) {
        return key;
      }),
    };
    expect(obj.get('k')).toBe('k');
    expect(obj.get('')).toBe('n/a:');
  });

  it('lets a throwing predicate reach the caller', () => {
    const f = validate(() => {
      throw new SyntaxError('predicate broke');
    })(() => 1);
    expect(() => f()).toThrow(SyntaxError);
  });

  it('works as a decorator on methods and static methods', () => {
    class Account {
      balance = 10;
      @validate(function (this: Account, amount: number) {
        return amount > 0 && amount <= this.balance;
      })
      withdraw(amount: number) {
        this.balance -= amount;
        return this.balance;
      }
      @validate((s: string) => /^\d+$/.test(s), { onInvalid: Number.NaN, label: 'Account.parse' })
      static parse(s: string) {
        return Number(s);
      }
    }
    const a = new Account();
    expect(a.withdraw(4)).toBe(6);
    expect(() => a.withdraw(7)).toThrow(/withdraw got invalid arguments \(7,\)/);
    expect(Account.parse('12')).toBe(12);
    expect(Account.parse('x')).toBeNaN();
  });

  it('rejects a non-function predicate and unknown options', () => {
    expect(() => validate('x' as never)).toThrow(InvalidOptionError);
    expect(() => validate(noSpaces, { if_invalid: 1 } as never)).toThrow(InvalidOptionError);
    expect(() => validate(noSpaces, { label: 3 } as never)).toThrow(TypeError);
  });
});
