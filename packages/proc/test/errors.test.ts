import { describe, expect, it } from 'vitest';
import { ProcError } from '../src/index.js';

describe('ProcError', () => {
  it('is an Error with a stable code and keeps its cause', () => {
    const cause = new Error('root');
    const err = new ProcError('PROC_INVALID_OPTION', 'bad option', { cause });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('ProcError');
    expect(err.code).toBe('PROC_INVALID_OPTION');
    expect(err.cause).toBe(cause);
  });
});
