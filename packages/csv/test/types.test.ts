// Type-level checks (verified by `tsc --noEmit`, the typecheck target) plus the runtime values they describe.
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  type CsvReader,
  type CsvTable,
  dictReader,
  openTable,
  parse,
  QUOTE_NONNUMERIC,
  QUOTE_NOTNULL,
  reader,
} from '../src/index.js';

describe('inferred types', () => {
  it('gives rows of strings by default and numbers under QUOTE_NONNUMERIC', () => {
    const plain = parse('a,b\n');
    expectTypeOf(plain).toEqualTypeOf<string[][]>();
    const numeric = parse('1,"a"\n', { quoting: QUOTE_NONNUMERIC });
    expectTypeOf(numeric).toEqualTypeOf<(string | number)[][]>();
    expect(numeric).toEqual([[1, 'a']]);
    expectTypeOf(reader('', { quoting: QUOTE_NOTNULL })).toEqualTypeOf<CsvReader<string | null>>();
  });

  it('types DictReader values from restval and restkey', () => {
    const withDefault = [...dictReader('a\n1\n', { restval: '' })];
    expectTypeOf(withDefault).toEqualTypeOf<Record<string, string>[]>();
    const withRest = [...dictReader('a\n1,2\n', { restkey: 'rest' })];
    expectTypeOf(withRest).toEqualTypeOf<Record<string, string | string[] | null>[]>();
    expect(withRest).toEqual([{ a: '1', rest: ['2'] }]);
  });

  it('types table records by their fieldnames', () => {
    expectTypeOf(openTable<'name' | 'email'>).returns.resolves.toEqualTypeOf<CsvTable<'name' | 'email'>>();
  });
});
