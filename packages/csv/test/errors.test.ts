import { describe, expect, it } from 'vitest';
import { CsvError } from '../src/index.js';

describe('CsvError', () => {
  it('is an Error with a stable code and keeps its cause', () => {
    const cause = new Error('root');
    const err = new CsvError('CSV_INVALID_OPTION', 'bad option', { cause });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('CsvError');
    expect(err.code).toBe('CSV_INVALID_OPTION');
    expect(err.cause).toBe(cause);
  });
});
