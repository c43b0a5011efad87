import { afterEach, describe, expect, it } from 'vitest';
import { resetForTests } from '../src/config.js';
import { Formatter, getLogger, LoggerAdapter, StreamHandler } from '../src/index.js';
import { collector } from './helpers/env.js';

afterEach(async () => {
  await resetForTests();
});

function setup(fmt: string, fields: string[]) {
  const c = collector();
  const log = getLogger('adp');
  log.setLevel('DEBUG');
  log.addHandler(new StreamHandler(c.stream, { formatter: new Formatter(fmt, { fields }) }));
  return { c, log };
}

describe('LoggerAdapter', () => {
  it('adds bound context; the call overrides the adapter, inner adapters override outer ones', () => {
    const { c, log } = setup('%(service)s %(requestId)s %(message)s', ['service', 'requestId']);
    const outer = new LoggerAdapter(log, { service: 'api', requestId: 'outer' });
    const inner = new LoggerAdapter(outer, { requestId: 'r-1' });
    inner.info('served %s', '/a');
    inner.info('served %s', '/b', { extra: { requestId: 'r-2' } });
    outer.warning('direct');
    expect(c.text()).toBe('api r-1 served /a\napi r-2 served /b\napi outer direct\n');
  });

  it('reports the caller of the adapter, not the adapter itself', () => {
    const { c, log } = setup('%(funcName)s %(filename)s %(message)s', []);
    const a = new LoggerAdapter(log, {});
    function handleRequest(): void {
      a.info('x');
    }
    handleRequest();
    expect(c.text()).toBe('handleRequest adapter.test.ts x\n');
  });

  it('respects the logger level and lets process() rewrite messages', () => {
    const { c, log } = setup('%(message)s', []);
    log.setLevel('WARNING');
    class Prefix extends LoggerAdapter {
      override process(msg: unknown, options: object): [unknown, object] {
        return [`[conn 7] ${String(msg)}`, options];
      }
    }
    const a = new Prefix(log);
    a.info('hidden');
    a.error('failed %d times', 3);
    expect(a.isEnabledFor(20)).toBe(false);
    expect(c.text()).toBe('[conn 7] failed 3 times\n');
  });
});
