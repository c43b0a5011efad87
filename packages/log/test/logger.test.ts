import { afterEach, describe, expect, it, vi } from 'vitest';
import { resetForTests } from '../src/config.js';
import {
  addLevelName,
  basicConfig,
  DEBUG,
  disable,
  ERROR,
  Filter,
  Formatter,
  getLevelName,
  getLogger,
  INFO,
  lastResort,
  LogError,
  type LogRecord,
  NullHandler,
  StreamHandler,
  WARNING,
} from '../src/index.js';
import { fileURLToPath } from 'node:url';
import { collector, runScript } from './helpers/env.js';

afterEach(async () => {
  await resetForTests();
});

function capture(loggerName: string, fmt = '%(name)s:%(levelname)s:%(message)s') {
  const c = collector();
  const h = new StreamHandler(c.stream, { formatter: new Formatter(fmt) });
  getLogger(loggerName).addHandler(h);
  return { ...c, handler: h };
}

describe('getLogger', () => {
  it('returns one logger per name and the root for no name, "" and "root"', () => {
    expect(getLogger('a.b')).toBe(getLogger('a.b'));
    expect(getLogger()).toBe(getLogger(''));
    expect(getLogger('root')).toBe(getLogger());
    expect(getLogger().name).toBe('root');
  });

  it('links dotted names into a hierarchy even when children are created first', () => {
    const c = getLogger('h1.b.c');
    expect(c.parent).toBe(getLogger());
    const a = getLogger('h1');
    expect(c.parent).toBe(a);
    const b = getLogger('h1.b');
    expect(c.parent).toBe(b);
    expect(b.parent).toBe(a);
    expect(getLogger('h1.bb').parent).toBe(a);
    expect(a.getChild('b')).toBe(b);
    expect([...a.getChildren()].map((l) => l.name).sort()).toEqual(['h1.b', 'h1.bb']);
  });

  it('shares one registry between two loaded copies of the package', async () => {
    const mine = getLogger('shared.copy');
    vi.resetModules();
    const other = (await import('../src/index.js')) as typeof import('../src/index.js');
    expect(other.getLogger('shared.copy')).toBe(mine);
  });
});

describe('levels', () => {
  it('uses Python numbers and names, and registers new ones', () => {
    expect([DEBUG, INFO, WARNING, ERROR]).toEqual([10, 20, 30, 40]);
    expect(getLevelName(30)).toBe('WARNING');
    expect(getLevelName(25)).toBe('Level 25');
    addLevelName(25, 'NOTICE');
    expect(getLevelName(25)).toBe('NOTICE');
    expect(getLevelName('NOTICE')).toBe(25);
  });

  it('inherits the effective level from the nearest ancestor with a level', () => {
    const parent = getLogger('lv');
    const child = getLogger('lv.x.y');
    expect(child.getEffectiveLevel()).toBe(WARNING);
    parent.setLevel('DEBUG');
    expect(child.getEffectiveLevel()).toBe(DEBUG);
    expect(child.isEnabledFor(DEBUG)).toBe(true);
    child.setLevel(ERROR);
    expect(child.isEnabledFor(WARNING)).toBe(false);
  });

  it('rejects unknown level names with LOG_INVALID_LEVEL', () => {
    expect(() => getLogger('bad').setLevel('LOUD')).toThrow(
      expect.objectContaining({ code: 'LOG_INVALID_LEVEL' }),
    );
    expect(() => getLogger('bad').setLevel(-1)).toThrow(LogError);
  });

  it('switches a disabled method back on when an ancestor lowers its level', () => {
    const { text } = capture('sw');
    const child = getLogger('sw.child');
    child.debug('hidden');
    getLogger('sw').setLevel(DEBUG);
    child.debug('shown');
    expect(text()).toBe('sw.child:DEBUG:shown\n');
  });

  it('disable() silences every logger at and below the level', () => {
    getLogger('dis').setLevel(DEBUG);
    const { text } = capture('dis');
    disable(INFO);
    getLogger('dis').info('no');
    getLogger('dis').warning('yes');
    disable(0);
    getLogger('dis').info('again');
    expect(text()).toBe('dis:WARNING:yes\ndis:INFO:again\n');
  });
});

describe('logging calls', () => {
  it('merges %-arguments only when a handler emits the record', () => {
    const log = getLogger('lazy');
    log.setLevel(INFO);
    const { text, handler } = capture('lazy');
    handler.setLevel(WARNING);
    let calls = 0;
    const costly = { toString: () => `v${++calls}` };
    log.debug('debug %s', costly);
    log.info('info %s', costly);
    expect(calls).toBe(0);
    log.warning('warn %s and %d%%', costly, 5);
    expect(calls).toBe(1);
    expect(text()).toBe('lazy:WARNING:warn v1 and 5%\n');
  });

  it('formats a single plain object as a mapping for %(key)s', () => {
    const { text } = capture('map');
    getLogger('map').warning('%(user)s logged in %(n)d times', { user: 'ann', n: 3 });
    expect(text()).toBe('map:WARNING:ann logged in 3 times\n');
  });

  it('propagates to ancestors until a logger has propagate off', () => {
    const top = capture('pr');
    const mid = capture('pr.mid');
    getLogger('pr.mid.leaf').warning('one');
    getLogger('pr.mid').propagate = false;
    getLogger('pr.mid.leaf').warning('two');
    expect(mid.text()).toBe('pr.mid.leaf:WARNING:one\npr.mid.leaf:WARNING:two\n');
    expect(top.text()).toBe('pr.mid.leaf:WARNING:one\n');
    expect(getLogger('pr.mid.leaf').hasHandlers()).toBe(true);
    expect(getLogger('nohandlers.here').hasHandlers()).toBe(false);
  });

  it('applies logger and handler filters, including name filters and functions', () => {
    const { text, handler } = capture('flt');
    handler.addFilter(new Filter('flt.keep'));
    const log = getLogger('flt.keep.x');
    log.warning('kept');
    getLogger('flt.keeper').warning('dropped by name');
    getLogger('flt').addFilter((r: LogRecord) => !String(r.msg).includes('secret'));
    getLogger('flt').warning('secret'); // own logger filter
    log.addFilter((r: LogRecord) => r.levelno >= ERROR);
    log.warning('too low');
    log.error('high');
    expect(text()).toBe('flt.keep.x:WARNING:kept\nflt.keep.x:ERROR:high\n');
  });

  it('takes options as the last argument: extra fields, stacklevel, stackInfo', () => {
    const c = collector();
    const h = new StreamHandler(c.stream, {
      formatter: new Formatter('%(user)s|%(message)s', { fields: ['user'] }),
    });
    getLogger('opt').addHandler(h);
    getLogger('opt').warning('hi %s', 'there', { extra: { user: 'ann' } });
    expect(c.text()).toBe('ann|hi there\n');
    expect(() => getLogger('opt').warning('x', { extra: { name: 'forged' } })).toThrow(
      expect.objectContaining({ code: 'LOG_INVALID_OPTION' }),
    );
  });

  it('records the caller file, line and function when the format shows them', () => {
    const { text } = capture('caller', '%(filename)s:%(lineno)d:%(funcName)s:%(module)s');
    function saveContact(): number {
      const line = Number(new Error().stack!.split('\n')[1]!.split(':').at(-2)) + 1;
      getLogger('caller').warning('x');
      return line;
    }
    const line = saveContact();
    expect(text()).toBe(`logger.test.ts:${line}:saveContact:logger.test\n`);
  });

  it('stacklevel 2 reports the caller of a logging helper', () => {
    const { text } = capture('caller2', '%(funcName)s');
    function helper(): void {
      getLogger('caller2').warning('x', { stacklevel: 2 });
    }
    function business(): void {
      helper();
    }
    business();
    expect(text()).toBe('business\n');
  });

  it('exception() prints the stack and the cause chain; a trailing Error argument becomes excInfo', () => {
    const { text } = capture('exc');
    const err = new Error('outer', { cause: new TypeError('inner') });
    getLogger('exc').exception('failed to save %s', 'ann', err);
    getLogger('exc').error('plain', new RangeError('range'));
    const out = text();
    expect(out).toMatch(/^exc:ERROR:failed to save ann\nError: outer\n\s+at /);
    expect(out).toContain('Caused by: TypeError: inner');
    expect(out).toContain('exc:ERROR:plain\nRangeError: range');
  });

  it('prints WARNING and up to stderr through the last-resort handler when no handler exists', async () => {
    const res = await runScript(fileURLToPath(new URL('./fixtures/last-resort.ts', import.meta.url)));
    expect(res.code).toBe(0);
    expect(res.stderr).toBe('disk at 91%\nconnection lost\n');
  });

  it('uses no last resort once any handler, even a NullHandler, is found', () => {
    const lr = lastResort()!;
    const seen: unknown[] = [];
    const original = lr.handle.bind(lr);
    lr.handle = (r) => {
      seen.push(r.msg);
      return false;
    };
    try {
      getLogger('lr').addHandler(new NullHandler());
      getLogger('lr.none').error('swallowed by the NullHandler');
      getLogger('elsewhere.none').error('to the last resort');
    } finally {
      lr.handle = original;
    }
    expect(seen).toEqual(['to the last resort']);
  });
});

describe('basicConfig', () => {
  it('uses Python defaults: WARNING and %(levelname)s:%(name)s:%(message)s', () => {
    const c = collector();
    basicConfig({ stream: c.stream });
    getLogger('bc').info('hidden');
    getLogger('bc').warning('shown %d', 1);
    expect(c.text()).toBe('WARNING:bc:shown 1\n');
  });

  it('does nothing when the root has handlers, unless force', () => {
    const a = collector();
    const b = collector();
    basicConfig({ stream: a.stream, level: 'INFO' });
    basicConfig({ stream: b.stream, format: '%(message)s' });
    getLogger('bc2').info('one');
    basicConfig({ stream: b.stream, format: '{levelname} {message}', style: '{', force: true });
    getLogger('bc2').info('two');
    expect(a.text()).toBe('INFO:bc2:one\n');
    expect(b.text()).toBe('INFO two\n');
  });

  it('rejects conflicting and unknown options', () => {
    const c = collector();
    expect(() => basicConfig({ stream: c.stream, filename: 'x.log' })).toThrow(
      expect.objectContaining({ code: 'LOG_INVALID_OPTION' }),
    );
    expect(() => basicConfig({ levle: 'INFO' } as never)).toThrow(TypeError);
  });
});
