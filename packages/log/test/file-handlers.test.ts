import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, readdirSync, readFileSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resetForTests } from '../src/config.js';
import {
  FileHandler,
  Formatter,
  getLogger,
  makeLogRecord,
  RotatingFileHandler,
  shutdown,
  TimedRotatingFileHandler,
  WatchedFileHandler,
} from '../src/index.js';
import { runScript, tempDir } from './helpers/env.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(async () => {
  vi.useRealTimers();
  await resetForTests();
  tmp.remove();
});

const LINE =
  /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3} - \[INFO\] line (\d+) of the (?:child|parent) run, padded to look like a real message$/;

/** Streams every file of the rotation set and checks each line is whole; returns the sorted indexes seen. */
async function countLines(dir: string): Promise<{ lines: number; files: number; seen: Uint8Array }> {
  const files = readdirSync(dir).filter((f) => f.startsWith('app.log'));
  const seen = new Uint8Array(1_000_000);
  let lines = 0;
  for (const f of files) {
    const rl = createInterface({
      input: createReadStream(join(dir, f)),
      crlfDelay: Number.POSITIVE_INFINITY,
    });
    for await (const line of rl) {
      const m = LINE.exec(line);
      if (!m) throw new Error(`cut or foreign line in ${f}: ${JSON.stringify(line)}`);
      seen[Number(m[1])] = 1;
      lines++;
    }
  }
  return { lines, files: files.length, seen };
}

describe('FileHandler', () => {
  it('appends by default, truncates with mode w, and opens lazily with delay', async () => {
    const file = join(tmp.dir, 'a.log');
    writeFileSync(file, 'old\n');
    const h = new FileHandler(file, { formatter: new Formatter('%(levelname)s %(message)s') });
    h.handle(makeLogRecord({ msg: 'new', levelname: 'INFO', levelno: 20 }));
    await h.close();
    expect(readFileSync(file, 'utf8')).toBe('old\nINFO new\n');
    const w = new FileHandler(file, { mode: 'w' });
    w.handle(makeLogRecord({ msg: 'only' }));
    await w.close();
    expect(readFileSync(file, 'utf8')).toBe('only\n');
    const lazy = join(tmp.dir, 'lazy.log');
    const d = new FileHandler(lazy, { delay: true });
    expect(readdirSync(tmp.dir)).not.toContain('lazy.log');
    d.handle(makeLogRecord({ msg: 'x' }));
    await d.close();
    expect(readFileSync(lazy, 'utf8')).toBe('x\n');
  });

  it('writes non-UTF-8 encodings', async () => {
    const file = join(tmp.dir, 'latin.log');
    const h = new FileHandler(file, { encoding: 'latin1' });
    h.handle(makeLogRecord({ msg: 'café' }));
    await h.close();
    expect([...readFileSync(file)]).toEqual([0x63, 0x61, 0x66, 0xe9, 0x0a]);
  });

  it('rejects a bad mode and unknown options', () => {
    expect(() => new FileHandler(join(tmp.dir, 'x'), { mode: 'r' as 'a' })).toThrow(
      expect.objectContaining({ code: 'LOG_INVALID_OPTION' }),
    );
    expect(() => new FileHandler(join(tmp.dir, 'x'), { maxBytes: 1 } as never)).toThrow(TypeError);
  });

  it('reports a record logged after close through handleError instead of throwing', async () => {
    const h = new FileHandler(join(tmp.dir, 'c.log'));
    await h.close();
    const spy = vi.spyOn(h, 'handleError').mockImplementation(() => {});
    expect(() => h.handle(makeLogRecord({ msg: 'late' }))).not.toThrow();
    expect(spy).toHaveBeenCalledWith(
      expect.anything(),
      expect.objectContaining({ code: 'LOG_HANDLER_CLOSED' }),
    );
  });
});

describe('RotatingFileHandler', () => {
  it('rotates app.log -> app.log.1 ... and keeps only backupCount files', async () => {
    const file = join(tmp.dir, 'r.log');
    const h = new RotatingFileHandler(file, { maxBytes: 100, backupCount: 2 });
    for (let i = 0; i < 20; i++)
      h.handle(makeLogRecord({ msg: `record number ${String(i).padStart(2, '0')} xxxxxxx` }));
    await h.close();
    expect(readdirSync(tmp.dir).sort()).toEqual(['r.log', 'r.log.1', 'r.log.2']);
    for (const f of ['r.log', 'r.log.1', 'r.log.2'])
      expect(readFileSync(join(tmp.dir, f)).length).toBeLessThan(100);
    expect(readFileSync(file, 'utf8').trim().split('\n').at(-1)).toBe('record number 19 xxxxxxx');
    expect(readFileSync(`${file}.1`, 'utf8').trim().split('\n').at(-1)).toBe('record number 17 xxxxxxx');
  });

  it('loses no line and cuts none: 1,000,000 lines rotating every 1 MB, then shutdown()', async () => {
    const h = new RotatingFileHandler(join(tmp.dir, 'app.log'), { maxBytes: 1_000_000, backupCount: 500 });
    h.setFormatter(new Formatter('%(asctime)s - [%(levelname)s] %(message)s'));
    const log = getLogger('million');
    log.setLevel('INFO');
    log.addHandler(h);
    for (let i = 0; i < 1_000_000; i++)
      log.info('line %d of the parent run, padded to look like a real message', i);
    await shutdown();
    const { lines, files, seen } = await countLines(tmp.dir);
    expect(lines).toBe(1_000_000);
    expect(seen.every((x) => x === 1)).toBe(true);
    expect(files).toBeGreaterThan(50);
  }, 120_000);

  it.each([
    ['process.exit(0)', 'exit', 0],
    ['an uncaught exception', 'throw', 1],
  ])(
    'loses no line when a child process ends with %s straight after the last call',
    async (_label, how, code) => {
      const script = fileURLToPath(new URL('./fixtures/exit-child.ts', import.meta.url));
      const res = await runScript(script, [tmp.dir, how, '1000000']);
      expect(res.code).toBe(code);
      const { lines, seen } = await countLines(tmp.dir);
      expect(lines).toBe(1_000_000);
      expect(seen.every((x) => x === 1)).toBe(true);
    },
    120_000,
  );
});

describe('signals', () => {
  it('writes buffered lines on SIGTERM, then dies of the signal as it would have', async () => {
    const script = fileURLToPath(new URL('./fixtures/signal-child.ts', import.meta.url));
    const file = join(tmp.dir, 'sig.log');
    const child = spawn(process.execPath, ['--import', 'tsx', script, file, '300'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (c: Buffer) => {
        if (c.toString().includes('ready')) resolve();
      });
    });
    child.kill('SIGTERM');
    const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
    expect(code).toBeNull();
    expect(signal).toBe('SIGTERM');
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(300);
    expect(lines[299]).toBe('line 299 before the signal');
  });
});

describe('TimedRotatingFileHandler', () => {
  it('rolls over each interval and names the old file after its period', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date(Date.UTC(2026, 0, 2, 10, 0, 0)));
    const file = join(tmp.dir, 't.log');
    const h = new TimedRotatingFileHandler(file, {
      when: 'S',
      interval: 2,
      backupCount: 2,
      utc: true,
      delay: true,
    });
    const at = (iso: string, msg: string): void => {
      vi.setSystemTime(new Date(iso));
      h.handle(makeLogRecord({ msg, created: Date.now() / 1000 }));
    };
    at('2026-01-02T10:00:00.500Z', 'a');
    at('2026-01-02T10:00:02.100Z', 'b');
    at('2026-01-02T10:00:04.200Z', 'c');
    at('2026-01-02T10:00:06.300Z', 'd');
    await h.close();
    const files = readdirSync(tmp.dir).sort();
    expect(files).toEqual(['t.log', 't.log.2026-01-02_10-00-02', 't.log.2026-01-02_10-00-04']);
    expect(readFileSync(file, 'utf8')).toBe('d\n');
    expect(readFileSync(join(tmp.dir, 't.log.2026-01-02_10-00-04'), 'utf8')).toBe('c\n');
  });

  it('names old files with `namer` and still keeps only backupCount of them', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date(Date.UTC(2026, 0, 2, 10, 0, 0)));
    const file = join(tmp.dir, 'n.log');
    // app.log.DATE -> app.DATE.log, the shape Python's docs suggest for a namer.
    const namer = (name: string) => name.replace(/\.log\.(.+)$/, '.$1.log');
    writeFileSync(join(tmp.dir, 'n.unrelated.log'), 'keep me');
    writeFileSync(join(tmp.dir, 'n.log.2026-01-02_09-00-00'), 'default-named, not ours with this namer');
    const h = new TimedRotatingFileHandler(file, {
      when: 'S',
      backupCount: 2,
      utc: true,
      delay: true,
      namer,
    });
    for (const [iso, msg] of [
      ['2026-01-02T10:00:00.500Z', 'a'],
      ['2026-01-02T10:00:01.500Z', 'b'],
      ['2026-01-02T10:00:02.500Z', 'c'],
      ['2026-01-02T10:00:03.500Z', 'd'],
    ] as const) {
      vi.setSystemTime(new Date(iso));
      h.handle(makeLogRecord({ msg, created: Date.now() / 1000 }));
    }
    await h.close();
    expect(readdirSync(tmp.dir).sort()).toEqual([
      'n.2026-01-02_10-00-01.log',
      'n.2026-01-02_10-00-02.log',
      'n.log',
      'n.log.2026-01-02_09-00-00',
      'n.unrelated.log',
    ]);
    expect(readFileSync(join(tmp.dir, 'n.2026-01-02_10-00-02.log'), 'utf8')).toBe('c\n');
    expect(readFileSync(file, 'utf8')).toBe('d\n');
  });

  it('refuses a namer that is not a function', () => {
    const file = join(tmp.dir, 'bad.log');
    for (const make of [
      () => new TimedRotatingFileHandler(file, { namer: 'x' as never, delay: true }),
      () => new RotatingFileHandler(file, { namer: 1 as never, delay: true }),
    ]) {
      expect(make).toThrow(expect.objectContaining({ code: 'LOG_INVALID_OPTION' }));
    }
  });

  it('computes the next midnight rollover in UTC', () => {
    const file = join(tmp.dir, 'm.log');
    writeFileSync(file, '');
    const noon = Date.UTC(2026, 4, 5, 12, 0, 0);
    utimesSync(file, noon / 1000, noon / 1000);
    const h = new TimedRotatingFileHandler(file, { when: 'midnight', utc: true });
    expect(h.rolloverAt).toBe(Date.UTC(2026, 4, 6, 0, 0, 0));
    void h.close();
  });
});

describe('WatchedFileHandler', () => {
  it('reopens the file after it was moved away', async () => {
    const file = join(tmp.dir, 'w.log');
    const h = new WatchedFileHandler(file);
    h.handle(makeLogRecord({ msg: 'before' }));
    h.flushSync();
    renameSync(file, `${file}.old`);
    h.handle(makeLogRecord({ msg: 'after' }));
    await h.close();
    expect(readFileSync(`${file}.old`, 'utf8')).toBe('before\n');
    expect(readFileSync(file, 'utf8')).toBe('after\n');
  });
});
