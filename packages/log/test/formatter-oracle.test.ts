import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Formatter, makeLogRecord } from '../src/index.js';
import { type OracleCase, pythonFormat } from './helpers/python.js';

const BASE = {
  name: 'app.db',
  levelno: 20,
  levelname: 'INFO',
  pathname: '/srv/app/db/models.py',
  filename: 'models.py',
  module: 'models',
  lineno: 42,
  funcName: 'save',
  thread: 140234,
  threadName: 'MainThread',
  process: 4242,
  processName: 'MainProcess',
  relativeCreated: 1234.5678,
};

const CREATED = [
  1700000000.123, 1234567890.999, 1057682985.896, 1700000000.0009, 946684799.5, 1782345678.007,
];

const FORMATS: Array<Omit<OracleCase, 'attrs'>> = [
  { fmt: null },
  { fmt: '%(levelname)s:%(name)s:%(message)s' },
  { fmt: '%(asctime)s - [%(levelname)s] %(message)s' },
  { fmt: '%(asctime)s - %(name)s - %(levelname)s - %(message)s' },
  { fmt: '%(asctime)s %(name)-12s %(levelname)-8s %(message)s', datefmt: '%m-%d %H:%M' },
  { fmt: '%(name)-12s: %(levelname)-8s %(message)s' },
  { fmt: '%(asctime)s,%(msecs)03d %(levelname)s %(message)s', datefmt: '%Y-%m-%d %H:%M:%S' },
  { fmt: '%(levelname)-8s|%(name)10s|%(msecs)03d|%(created)f|%(msecs)s|%(created)s' },
  {
    fmt: '%(relativeCreated)d %(relativeCreated).1f %(relativeCreated)s %(levelno)02d %(process)d %(thread)d %(threadName)s %(processName)s',
  },
  { fmt: '%(filename)s:%(lineno)d %(funcName)s() %(module)s %(pathname)s' },
  { fmt: '%%(literal)s 100%% %(message)s %%' },
  { fmt: '%(message).5s|%(message)-30s|%(message)30s|%(message)r' },
  {
    fmt: '%(created).3f %(created)e %(created)E %(created)g %(created)G %(created).10g %(created)12.2f %(created)-14.1f|',
  },
  {
    fmt: '%(levelno)x %(levelno)X %(levelno)#x %(levelno)#o %(levelno)+d %(levelno) d %(lineno)05d %(lineno)-5d| %(lineno).4d %(levelno)i %(levelno)u %(levelname)a',
  },
  { fmt: '%(msecs)d %(msecs)f %(msecs)5.1f %(msecs)e %(msecs)#g %(msecs)g %(msecs)+08.2f' },
  { fmt: '{asctime} - {levelname:<8} - {name:>10} {message}', style: '{' },
  {
    fmt: '{msecs:03.0f} {created:.2f} {levelno:+05d} {levelname:^10} {levelname:*^11} {lineno:,} {created:,.1f} {levelno:x} {levelno:#b} {message!r}',
    style: '{',
  },
  {
    fmt: '{created} {msecs} {relativeCreated} {levelno:08.3f} {created:e} {created:g} {levelno:%} {levelno:=+6} {lineno:_b} {name!s:.3}',
    style: '{',
  },
  { fmt: '{{literal}} {levelname}: {message}', style: '{' },
  // biome-ignore lint/suspicious/noTemplateCurlyInString: Python's $-style format
  { fmt: '$asctime ${levelname}: $message $$ $created $msecs', style: '$' },
  { fmt: '%(asctime)s %(message)s', datefmt: '%Y-%m-%dT%H:%M:%S' },
  {
    fmt: '%(asctime)s %(message)s',
    datefmt: '%d/%m/%y %I:%M:%S %p %a %A %b %B %j %e %% %H%M%S %y %C %D %F %T %R %w %u',
  },
  { fmt: '%(asctime)s|%(message)s', datefmt: '%c|%x|%X|%h' },
];

const MESSAGES: Array<{ msg: string; args?: unknown }> = [
  { msg: 'hello world' },
  { msg: 'saving %d bytes to %s', args: [1234, '/tmp/x'] },
  { msg: '%5.2f%% done, %-6s|%06.2f|%+d|% d', args: [3.14259, 'ab', -2.5, 7, 9] },
  { msg: '%(user)s did %(what)s %(n)04d times', args: { user: 'ann', what: 'login', n: 3 } },
  {
    msg: '%x %X %o %e %g %G %#x %#o %c %r',
    args: [255, 255, 8, 12345.678, 0.00001234, 1e20, 255, 8, 65, 'q'],
  },
  { msg: 'no args keeps %s and %d as written' },
  { msg: '%.3s|%10.4s|%-10s|', args: ['abcdef', 'abcdef', 'x'] },
  {
    msg: '%g %g %g %g %g %.0f %.0f %.0f %f',
    args: [100000, 1000000, 0.0001, 123.456, 0, 0.5, 1.5, 2.5, -1.5],
  },
];

function cases(): OracleCase[] {
  const out: OracleCase[] = [];
  let i = 0;
  for (const f of FORMATS) {
    for (const created of CREATED) {
      const m = MESSAGES[i++ % MESSAGES.length]!;
      out.push({
        ...f,
        attrs: { ...BASE, created, msg: m.msg, ...(m.args === undefined ? {} : { args: m.args }) },
      });
    }
  }
  for (const m of MESSAGES)
    out.push({
      fmt: '%(message)s',
      attrs: { ...BASE, created: CREATED[0], msg: m.msg, ...(m.args === undefined ? {} : { args: m.args }) },
    });
  return out;
}

function ours(c: OracleCase): string {
  const args = c.attrs.args;
  const attrs = { ...c.attrs, args: args === undefined ? [] : Array.isArray(args) ? args : [args] };
  return new Formatter(c.fmt, c.datefmt ?? null, c.style ?? '%').format(makeLogRecord(attrs));
}

describe('Formatter against python3 logging', () => {
  it('formats every format/record pair of the table exactly as Python does', () => {
    const table = cases();
    const expected = pythonFormat(table);
    for (const [i, c] of table.entries()) {
      const py = expected[i]!;
      expect(py.error, `python failed on ${JSON.stringify(c)}`).toBeUndefined();
      expect(
        ours(c),
        `format ${JSON.stringify(c.fmt)} / ${JSON.stringify(c.datefmt)} msg ${JSON.stringify(c.attrs.msg)}`,
      ).toBe(py.ok);
    }
  });

  it('matches Python for generated created times, levels, names and %-flags', () => {
    const arb = fc.record({
      created: fc.double({ min: 0, max: 4_000_000_000, noNaN: true }),
      levelno: fc.constantFrom(10, 20, 30, 40, 50),
      name: fc.stringMatching(/^[a-z]{1,6}(\.[a-z]{1,6}){0,2}$/),
      flags: fc.constantFrom('', '-', '0', '+', ' ', '#', '-+'),
      width: fc.option(fc.integer({ min: 0, max: 20 }), { nil: undefined }),
      precision: fc.option(fc.integer({ min: 0, max: 8 }), { nil: undefined }),
      conv: fc.constantFrom('s', 'd', 'f', 'e', 'g', 'x', 'o', 'r'),
      key: fc.constantFrom('created', 'msecs', 'levelno', 'name', 'relativeCreated'),
    });
    const table: OracleCase[] = fc.sample(arb, { numRuns: 600, seed: 42 }).map((s) => {
      const isInt = s.key === 'levelno';
      const conv = !isInt && (s.conv === 'x' || s.conv === 'o') ? 'd' : s.key === 'name' ? 's' : s.conv;
      const spec = `%(${s.key})${s.flags}${s.width ?? ''}${s.precision === undefined ? '' : `.${s.precision}`}${conv}`;
      return {
        fmt: `%(asctime)s ${spec} %(levelname)s %(message)s`,
        attrs: {
          ...BASE,
          created: s.created,
          levelno: s.levelno,
          levelname: ['', 'DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'][s.levelno / 10],
          name: s.name,
          msg: 'm',
        },
      };
    });
    const expected = pythonFormat(table);
    for (const [i, c] of table.entries()) {
      const py = expected[i]!;
      if (py.error !== undefined) continue;
      expect(ours(c), JSON.stringify(c)).toBe(py.ok);
    }
  });
});

describe('message %-formatting against python3', () => {
  it("merges generated specs and values exactly as Python's msg % args", () => {
    const spec = fc.record({
      flags: fc.constantFrom('', '-', '0', '+', ' ', '#', '-+', '0+', ' 0'),
      width: fc.option(fc.integer({ min: 0, max: 25 }), { nil: undefined }),
      precision: fc.option(fc.integer({ min: 0, max: 12 }), { nil: undefined }),
      kind: fc.constantFrom('int', 'float', 'str'),
    });
    const arb = fc.array(
      fc.tuple(
        spec,
        fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }),
        fc.double({ min: -1e25, max: 1e25, noNaN: true, noDefaultInfinity: true }),
        fc.string({ maxLength: 12 }),
        fc.constantFrom('d', 'i', 'x', 'X', 'o'),
        fc.constantFrom('f', 'F', 'e', 'E', 'g', 'G'),
      ),
      { minLength: 1, maxLength: 4 },
    );
    const table: OracleCase[] = fc.sample(arb, { numRuns: 400, seed: 7 }).map((items) => {
      let msg = 'v:';
      const args: unknown[] = [];
      for (const [s, int, dbl, str, iconv, fconv] of items) {
        const head = `%${s.flags}${s.width ?? ''}`;
        if (s.kind === 'int') {
          msg += ` ${head}${iconv}`;
          args.push(int);
        } else if (s.kind === 'float') {
          msg += ` ${head}${s.precision === undefined ? '' : `.${s.precision}`}${fconv}`;
          args.push(dbl);
        } else {
          msg += ` ${head}${s.precision === undefined ? '' : `.${s.precision}`}s %%`;
          args.push(str);
        }
      }
      return { fmt: '%(message)s', attrs: { ...BASE, created: CREATED[0], msg, args } };
    });
    const expected = pythonFormat(table);
    for (const [i, c] of table.entries()) {
      expect(expected[i]!.error, JSON.stringify(c.attrs)).toBeUndefined();
      expect(ours(c), JSON.stringify({ msg: c.attrs.msg, args: c.attrs.args })).toBe(expected[i]!.ok);
    }
  });
});
