import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import winston from 'winston';
import Transport from 'winston-transport';
import { afterEach, describe, expect, it } from 'vitest';
import { resetForTests } from '../src/config.js';
import { CbLogTransport, Formatter, getLogger, StreamHandler, WinstonHandler } from '../src/index.js';
import { collector, tempDir } from './helpers/env.js';

afterEach(async () => {
  await resetForTests();
});

class Collect extends Transport {
  readonly infos: Array<Record<string | symbol, unknown>> = [];
  override log(info: Record<string | symbol, unknown>, next: () => void): void {
    this.infos.push(info);
    next();
  }
}

describe('WinstonHandler', () => {
  it("gives a winston transport winston's info object with the formatted line", async () => {
    const t = new Collect();
    const h = new WinstonHandler(t, { formatter: new Formatter('[%(levelname)s] %(name)s: %(message)s') });
    getLogger('w').addHandler(h);
    getLogger('w').warning('disk at %d%%', 91);
    getLogger('w').critical('down');
    await h.close();
    expect(t.infos).toHaveLength(2);
    expect(t.infos[0]).toMatchObject({
      level: 'warn',
      message: 'disk at 91%',
      name: 'w',
      levelname: 'WARNING',
    });
    expect(t.infos[0]![Symbol.for('message')]).toBe('[WARNING] w: disk at 91%');
    expect(t.infos[1]!.level).toBe('error');
  });

  it("works with winston's own Stream transport and applies the transport's format", async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (c: Buffer) => {
      text += c.toString();
    });
    const transport = new winston.transports.Stream({
      stream: out,
      format: winston.format.printf((i) => `${i.level}|${i.message}`),
    });
    const h = new WinstonHandler(transport);
    getLogger('ws').addHandler(h);
    getLogger('ws').error('broken %s', 'pipe');
    await h.close();
    expect(text).toBe('error|broken pipe\n');
  });

  it("writes through winston's File transport", async () => {
    const tmp = tempDir();
    try {
      const file = join(tmp.dir, 'w.log');
      const transport = new winston.transports.File({ filename: file });
      const h = new WinstonHandler(transport, { formatter: new Formatter('%(levelname)s %(message)s') });
      getLogger('wf').addHandler(h);
      getLogger('wf').warning('to file');
      await h.close();
      await new Promise((r) => setTimeout(r, 50));
      expect(readFileSync(file, 'utf8')).toBe('WARNING to file\n');
    } finally {
      tmp.remove();
    }
  });
});

describe('CbLogTransport', () => {
  it('routes winston log calls into a @cb/log logger with mapped levels and extra fields', async () => {
    const c = collector();
    const target = getLogger('legacy');
    target.setLevel('DEBUG');
    target.addHandler(
      new StreamHandler(c.stream, {
        formatter: new Formatter('%(name)s %(levelname)s %(message)s %(user)s', { defaults: { user: '-' } }),
      }),
    );
    const w = winston.createLogger({
      level: 'silly',
      transports: [new CbLogTransport({ logger: 'legacy' })],
    });
    w.info('hello', { user: 'ann' });
    w.warn('careful');
    w.verbose('chatty');
    w.error(new Error('boom'));
    w.end();
    const sys = winston.createLogger({
      levels: winston.config.syslog.levels,
      level: 'debug',
      transports: [new CbLogTransport({ logger: target })],
    });
    sys.log('crit', 'down', { name: 'svc' });
    sys.end();
    await new Promise((r) => setTimeout(r, 20));
    const lines = c.text().split('\n');
    expect(lines.slice(0, 3)).toEqual([
      'legacy INFO hello ann',
      'legacy WARNING careful -',
      'legacy DEBUG chatty -',
    ]);
    expect(c.text()).toContain('legacy ERROR boom -\nError: boom');
    expect(c.text()).toContain('legacy CRITICAL down -');
    expect(() => new CbLogTransport({ loger: 'x' } as never)).toThrow(TypeError);
  });
});
