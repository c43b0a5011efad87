import { describe, expect, it } from 'vitest';
import { LogError } from '../src/index.js';

describe('LogError', () => {
  it('is an Error with a stable code and keeps its cause', () => {
    const cause = new Error('root');
    const err = new LogError('LOG_INVALID_OPTION', 'bad option', { cause });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('LogError');
    expect(err.code).toBe('LOG_INVALID_OPTION');
    expect(err.cause).toBe(cause);
  });
});
