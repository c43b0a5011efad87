import { describe, expect, it } from 'vitest';
import { CsvError, CsvParseError } from '../src/index.js';

describe('CsvError', () => {
  it('is an Error with a stable code, context fields and its cause', () => {
    const cause = new Error('root');
    const err = new CsvError('CSV_INVALID_OPTION', 'bad option', { value: 'x', line: 3 }, { cause });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('CsvError');
    expect(err.code).toBe('CSV_INVALID_OPTION');
    expect(err.cause).toBe(cause);
    expect(err.value).toBe('x');
    expect(err.line).toBe(3);
    expect(err.column).toBeUndefined();
  });

  it('has a parse subclass that is still a CsvError', () => {
    const err = new CsvParseError('CSV_UNEXPECTED_CHAR', 'x', { line: 1, column: 2, record: 1 });
    expect(err).toBeInstanceOf(CsvError);
    expect(err.name).toBe('CsvParseError');
    expect([err.line, err.column, err.record]).toEqual([1, 2, 1]);
  });
});
