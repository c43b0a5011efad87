import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import winston from 'winston';
import Transport from 'winston-transport';
import { afterEach, describe, expect, it } from 'vitest';
import { resetForTests } from '../src/config.js';
import { Formatter, getLogger, WinstonHandler } from '../src/index.js';
import { tempDir } from './helpers/env.js';

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
