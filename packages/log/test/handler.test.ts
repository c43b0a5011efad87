import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { resetForTests } from '../src/config.js';
import { Formatter, getLogger, makeLogRecord, NullHandler, StreamHandler } from '../src/index.js';
import { collector, runScript, tempDir } from './helpers/env.js';

afterEach(async () => {
  await resetForTests();
});

describe('handleError', () => {
  it('reports a failing handler once per burst on stderr while the others keep every line', async () => {
    const tmp = tempDir();
    try {
      const script = fileURLToPath(new URL('./fixtures/failing-handler.ts', import.meta.url));
      const out = join(tmp.dir, 'ok.log');
      const res = await runScript(script, [out]);
      expect(res.code).toBe(0);
      expect(res.stdout).toBe('app still running\n');
      expect(res.stderr.match(/--- Logging error in Broken ---/g)).toHaveLength(1);
      expect(res.stderr).toContain('disk on fire');
      expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(100);
    } finally {
      tmp.remove();
    }
  });
});

describe('StreamHandler', () => {
  it('writes formatted records with the terminator and flushes', async () => {
    const c = collector();
    const h = new StreamHandler(c.stream, {
      terminator: '\r\n',
      formatter: new Formatter('%(levelname)s|%(message)s'),
    });
    h.handle(makeLogRecord({ levelname: 'INFO', msg: 'a %s', args: ['b'] }));
    await h.flush();
    expect(c.text()).toBe('INFO|a b\r\n');
    await h.close();
  });

  it('respects the handler level when called through a logger', () => {
    const c = collector();
    const h = new StreamHandler(c.stream, { level: 'ERROR' });
    const log = getLogger('sh');
    log.addHandler(h);
    log.warning('no');
    log.error('yes');
    expect(c.text()).toBe('yes\n');
  });

  it('rejects unknown options with a TypeError', () => {
    expect(() => new StreamHandler(null, { colour: true } as never)).toThrow(TypeError);
  });
});

describe('NullHandler', () => {
  it('drops every record', () => {
    expect(new NullHandler().handle(makeLogRecord({ msg: 'x' }))).toBe(false);
  });
});

describe('message formatting errors', () => {
  it('reports arguments that do not fit the message as LOG_MESSAGE_FORMAT through handleError', () => {
    const c = collector();
    const h = new StreamHandler(c.stream);
    const errors: unknown[] = [];
    h.handleError = (_r, err) => {
      errors.push(err);
    };
    getLogger('mf').addHandler(h);
    expect(() => getLogger('mf').warning('%d items', 'many')).not.toThrow();
    getLogger('mf').warning('%s and %s', 'one');
    getLogger('mf').warning('ok %s', 'fine');
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatchObject({ code: 'LOG_MESSAGE_FORMAT', context: { format: '%d items' } });
    expect((errors[1] as Error).message).toContain('not enough arguments');
    expect(c.text()).toBe('ok fine\n');
  });
});

describe('StreamHandler with a bare writer', () => {
  it('accepts any object with write(), as Python accepts any file-like object', async () => {
    const lines: string[] = [];
    const h = new StreamHandler({ write: (s: string) => lines.push(s) } as unknown as NodeJS.WritableStream);
    h.handle(makeLogRecord({ msg: 'plain' }));
    await h.close();
    expect(lines).toEqual(['plain\n']);
  });
});
