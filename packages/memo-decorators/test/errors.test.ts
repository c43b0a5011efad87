import { describe, expect, it } from 'vitest';
import {
  InvalidOptionError,
  MemoError,
  memoize,
  UnsupportedTargetError,
  ValidationError,
} from '../src/index.js';

describe('errors', () => {
  it('ValidationError is a MemoError with code and context', () => {
    const err = new ValidationError('f', [1], 'f got invalid arguments (1,)');
    expect(err).toBeInstanceOf(MemoError);
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('ValidationError');
    expect(err.code).toBe('MEMO_VALIDATION_FAILED');
  });

  it('option and target errors are TypeErrors that instanceof MemoError also catches', () => {
    let caught: unknown;
    try {
      memoize({ maxSize: -1 });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(TypeError);
    expect(caught).toBeInstanceOf(InvalidOptionError);
    expect(caught).toBeInstanceOf(MemoError);
    expect(caught).not.toBeInstanceOf(ValidationError);
    const target = new UnsupportedTargetError('memoize', 'setter', 'no');
    expect(target).toBeInstanceOf(MemoError);
    expect(target).not.toBeInstanceOf(ValidationError);
    expect(new TypeError('other')).not.toBeInstanceOf(MemoError);
    expect(new MemoError('MEMO_VALIDATION_FAILED', 'x')).not.toBeInstanceOf(ValidationError);
  });
});
