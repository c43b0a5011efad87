import { describe, expect, it } from 'vitest';
import { MemoDecoratorsError } from '../src/index.js';

describe('MemoDecoratorsError', () => {
  it('is an Error with a stable code and keeps its cause', () => {
    const cause = new Error('root');
    const err = new MemoDecoratorsError('MEMO_DECORATORS_INVALID_OPTION', 'bad option', { cause });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('MemoDecoratorsError');
    expect(err.code).toBe('MEMO_DECORATORS_INVALID_OPTION');
    expect(err.cause).toBe(cause);
  });
});
