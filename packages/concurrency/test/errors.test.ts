import { describe, expect, it } from 'vitest';
import { ConcurrencyError } from '../src/index.js';

describe('ConcurrencyError', () => {
  it('is an Error with a stable code and keeps its cause', () => {
    const cause = new Error('root');
    const err = new ConcurrencyError('INVALID_OPTION', 'bad option', { cause });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('ConcurrencyError');
    expect(err.code).toBe('INVALID_OPTION');
    expect(err.cause).toBe(cause);
  });
});
