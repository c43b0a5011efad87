import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FormatError,
  Formatter,
  JsonFormatter,
  makeLogRecord,
  strftime,
  UnknownFieldError,
} from '../src/index.js';

describe('Formatter construction errors', () => {
  it('throws UnknownFieldError for an attribute no LogRecord has, naming it', () => {
    let err: unknown;
    try {
      new Formatter('%(asctime)s %(levelnam)s %(message)s');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UnknownFieldError);
    expect(err).toMatchObject({ code: 'LOG_UNKNOWN_FIELD', context: { key: 'levelnam' } });
  });

  it.each([
    ['%(message)', '%'],
    ['%(message)y', '%'],
    ['%(message)s %', '%'],
    ['{message', '{'],
    ['{message:>>>>}', '{'],
    ['message}', '{'],
    ['no fields at all', '%'],
    ['%s positional', '%'],
  ] as const)('throws FormatError for %j (%s style) at construction', (fmt, style) => {
    expect(() => new Formatter(fmt, null, style)).toThrow(FormatError);
  });

  it('accepts custom fields declared through fields or defaults', () => {
    const f = new Formatter('%(user)s %(ip)s %(message)s', { fields: ['user'], defaults: { ip: '-' } });
    const r = makeLogRecord({ msg: 'm', user: 'ann' });
    expect(f.format(r)).toBe('ann - m');
  });

  it('rejects unknown options and styles', () => {
    expect(() => new Formatter('%(message)s', { colour: true } as never)).toThrow(TypeError);
    expect(() => new Formatter('%(message)s', null, '#' as never)).toThrow(
      expect.objectContaining({ code: 'LOG_INVALID_OPTION' }),
    );
  });
});

describe('Formatter output', () => {
  it('escapes newlines so a message cannot forge a second record', () => {
    const f = new Formatter('%(levelname)s %(message)s', { escapeNewlines: true });
    const r = makeLogRecord({ levelname: 'INFO', msg: 'user %s', args: ['bob\nERROR admin logged in\r'] });
    const line = f.format(r);
    expect(line).toBe('INFO user bob\\nERROR admin logged in\\r');
    expect(line.split('\n')).toHaveLength(1);
  });

  it('keeps newlines without escapeNewlines, as Python', () => {
    expect(new Formatter('%(message)s').format(makeLogRecord({ msg: 'a\nb' }))).toBe('a\nb');
  });

  it('renders asctime in UTC when asked, with strftime datefmt', () => {
    const r = makeLogRecord({ msg: 'm', created: Date.UTC(2003, 6, 8, 16, 49, 45, 896) / 1000 });
    expect(new Formatter('%(asctime)s', { utc: true }).format(r)).toBe('2003-07-08 16:49:45,896');
    expect(new Formatter('%(asctime)s', { utc: true, datefmt: '%d %b %Y %H:%M' }).format(r)).toBe(
      '08 Jul 2003 16:49',
    );
    expect(strftime('%Y-%m-%dT%H:%M:%S%z', new Date(Date.UTC(2003, 6, 8)), true)).toBe(
      '2003-07-08T00:00:00+0000',
    );
  });

  it('compiles once: formatting many records gives the same text as formatting one', () => {
    const f = new Formatter('[%(levelname)-8s] %(name)s: %(message)s');
    const lines = ['a', 'b', 'c'].map((m) =>
      f.format(makeLogRecord({ msg: m, name: 'x', levelname: 'WARNING' })),
    );
    expect(lines).toEqual(['[WARNING ] x: a', '[WARNING ] x: b', '[WARNING ] x: c']);
  });
});

describe('JsonFormatter', () => {
  it('writes one JSON object per record with extras and the error text', () => {
    const f = new JsonFormatter();
    const r = makeLogRecord({
      name: 'api',
      levelname: 'ERROR',
      msg: 'saved %d\nrows',
      args: [3],
      created: 1_700_000_000.25,
      user: 'ann',
    });
    r.excInfo = new Error('boom');
    const line = f.format(r);
    expect(line.includes('\n')).toBe(false);
    const obj = JSON.parse(line);
    expect(obj).toMatchObject({
      time: '2023-11-14T22:13:20.250Z',
      level: 'ERROR',
      name: 'api',
      message: 'saved 3\nrows',
      user: 'ann',
    });
    expect(obj.exc_info).toMatch(/^Error: boom\n/);
  });

  it('renames and selects fields, and rejects unknown ones', () => {
    const f = new JsonFormatter({ fields: { levelname: 'lvl', message: 'msg' }, extra: false });
    expect(f.format(makeLogRecord({ levelname: 'INFO', msg: 'x', other: 1 }))).toBe(
      '{"lvl":"INFO","msg":"x"}',
    );
    expect(() => new JsonFormatter({ fields: ['nope'] })).toThrow(UnknownFieldError);
  });
});

describe('custom fields at format time', () => {
  it('throws LOG_UNKNOWN_FIELD for a declared field the record lacks, as Python', () => {
    const f = new Formatter('%(user)s %(message)s', { fields: ['user'] });
    expect(() => f.format(makeLogRecord({ msg: 'm' }))).toThrow(
      expect.objectContaining({ code: 'LOG_UNKNOWN_FIELD', context: { key: 'user' } }),
    );
    expect(new Formatter('%(anything)s', { validate: false }).format(makeLogRecord({ anything: 1 }))).toBe(
      '1',
    );
  });
});

describe('escapeNewlines property', () => {
  it('never lets a message or argument produce more than one line', () => {
    const f = new Formatter('%(levelname)s %(message)s', { escapeNewlines: true });
    fc.assert(
      fc.property(fc.string(), fc.array(fc.string(), { maxLength: 3 }), (text, args) => {
        const msg = `${text.replace(/%/g, '%%')}${' %s'.repeat(args.length)}`;
        const line = f.format(makeLogRecord({ levelname: 'INFO', msg, args }));
        expect(/[\r\n]/.test(line)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});
