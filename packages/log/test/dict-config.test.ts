import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resetForTests } from '../src/config.js';
import {
  ConfigError,
  dictConfig,
  getLogger,
  MemoryHandler,
  RotatingFileHandler,
  shutdown,
} from '../src/index.js';
import { tempDir } from './helpers/env.js';

afterEach(async () => {
  await resetForTests();
});

describe('dictConfig', () => {
  it('builds formatters, filters, handlers and loggers from plain data', async () => {
    const tmp = tempDir();
    try {
      const file = join(tmp.dir, 'app.log');
      const old = getLogger('legacy.module');
      dictConfig({
        version: 1,
        formatters: {
          brief: { format: '%(levelname)s:%(name)s:%(message)s' },
          json: { class: 'JsonFormatter', fields: ['levelname', 'message'] },
        },
        filters: { onlyApp: { name: 'app' } },
        handlers: {
          file: {
            class: 'logging.handlers.RotatingFileHandler',
            filename: file,
            maxBytes: 1_000_000,
            backupCount: 2,
            formatter: 'brief',
            level: 'INFO',
            filters: ['onlyApp'],
          },
          jsonFile: { class: 'FileHandler', filename: join(tmp.dir, 'app.json'), formatter: 'json' },
          buffer: { class: 'MemoryHandler', capacity: 2, target: 'jsonFile' },
        },
        loggers: { app: { level: 'DEBUG', handlers: ['file', 'buffer'], propagate: false } },
        root: { level: 'WARNING' },
      });
      const log = getLogger('app.db');
      log.debug('not in file (handler level INFO)');
      log.info('saved %d', 1);
      log.error('failed');
      expect(old.disabled).toBe(true);
      expect(getLogger('app').handlers[0]).toBeInstanceOf(RotatingFileHandler);
      expect(getLogger('app').handlers[1]).toBeInstanceOf(MemoryHandler);
      await shutdown();
      expect(readFileSync(file, 'utf8')).toBe('INFO:app.db:saved 1\nERROR:app.db:failed\n');
      expect(
        readFileSync(join(tmp.dir, 'app.json'), 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l)),
      ).toEqual([
        { levelname: 'DEBUG', message: 'not in file (handler level INFO)' },
        { levelname: 'INFO', message: 'saved 1' },
        { levelname: 'ERROR', message: 'failed' },
      ]);
    } finally {
      tmp.remove();
    }
  });

  it.each([
    [{ version: 2 }, 'version'],
    [{ version: 1, bogus: {} }, 'bogus'],
    [{ version: 1, handlers: { h: { class: 'NoSuchHandler' } } }, 'handlers.h.class'],
    [{ version: 1, formatters: { f: { format: '%(nope)s' } } }, 'formatters.f'],
    [
      { version: 1, handlers: { h: { class: 'StreamHandler', formatter: 'missing' } } },
      'handlers.h.formatter',
    ],
    [{ version: 1, loggers: { a: { handlers: ['missing'] } } }, 'loggers.a.handlers'],
    [{ version: 1, root: { level: 'LOUD' } }, 'root.level'],
  ])('rejects %j with a ConfigError naming %s', (config, key) => {
    let err: unknown;
    try {
      dictConfig(config as never);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect(err).toMatchObject({ code: 'LOG_CONFIG', context: { key } });
  });

  it('changes only levels in incremental mode', () => {
    getLogger('inc').setLevel('ERROR');
    dictConfig({ version: 1, incremental: true, loggers: { inc: { level: 'DEBUG', propagate: false } } });
    expect(getLogger('inc').level).toBe(10);
    expect(getLogger('inc').propagate).toBe(false);
  });
});
