import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatTiming, InvalidOptionError, type TimingReport, timed } from '../src/index.js';

/** A clock that advances by `step` ns on every read, so durations are exact. */
function stepClock(step: bigint) {
  let t = 0n;
  return () => {
    t += step;
    return t;
  };
}

/** Runs a fixture script in its own Node process (tsx, no colours) and returns its stdout. */
function runFixture(name: string): string {
  const script = fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
  return execFileSync(process.execPath, ['--import', 'tsx', script], {
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0' },
  });
}

describe('timed(fn)', () => {
  it('reports name, args, result and the duration from the clock', () => {
    const reports: TimingReport[] = [];
    function add(a: number, b: number) {
      return a + b;
    }
    const t = timed(add, { sink: (r) => reports.push(r), clock: stepClock(1500n) });
    expect(t(1, 2)).toBe(3);
    expect(reports).toEqual([{ name: 'add', args: [1, 2], durationNs: 1500, ok: true, result: 3 }]);
    expect(t.name).toBe('add');
    expect(t.length).toBe(2);
  });

  it('reports a throw and rethrows it unchanged', () => {
    const reports: TimingReport[] = [];
    const boom = new RangeError('boom');
    const t = timed(
      () => {
        throw boom;
      },
      { sink: (r) => reports.push(r), label: 'exploder', clock: stepClock(10n) },
    );
    expect(() => t()).toThrow(boom);
    expect(reports).toEqual([{ name: 'exploder', args: [], durationNs: 10, ok: false, error: boom }]);
  });

  it('times a promise until it settles, rejections included', async () => {
    const reports: TimingReport[] = [];
    let now = 0n;
    const clock = () => now;
    const t = timed(
      async (ms: number, fail: boolean) => {
        await new Promise((r) => setTimeout(r, ms));
        now += 5_000_000n;
        if (fail) throw new Error('late failure');
        return 'done';
      },
      { sink: (r) => reports.push(r), clock },
    );
    await expect(t(1, false)).resolves.toBe('done');
    await expect(t(1, true)).rejects.toThrow('late failure');
    expect(reports.map((r) => [r.ok, r.durationNs, r.ok ? r.result : (r.error as Error).message])).toEqual([
      [true, 5_000_000, 'done'],
      [false, 5_000_000, 'late failure'],
    ]);
  });

  it('sends the cookbook line to any object with an info method', () => {
    const lines: string[] = [];
    const logger = { info: (message: string) => lines.push(message) };
    const convertToPalindrome = timed((s: string) => s, { sink: logger, label: 'convertToPalindrome' });
    convertToPalindrome('anitalavalatina');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^spent \d+ microseconds in convertToPalindrome with arguments \('anitalavalatina',\)\. Result was: anitalavalatina$/,
    );
  });

  it('formats args as a Python tuple and errors as Raised', () => {
    const base = { name: 'f', durationNs: 87_400 };
    expect(formatTiming({ ...base, args: [], ok: true, result: 1 })).toBe(
      'spent 87 microseconds in f with arguments (). Result was: 1',
    );
    expect(formatTiming({ ...base, args: [1, 'b', { c: 2 }], ok: true, result: [1] })).toBe(
      "spent 87 microseconds in f with arguments (1, 'b', { c: 2 }). Result was: [ 1 ]",
    );
    expect(formatTiming({ ...base, args: ['x'], ok: false, error: new TypeError('bad') })).toMatch(
      /^spent 87 microseconds in f with arguments \('x',\)\. Raised: TypeError: bad/,
    );
  });

  it('prints the cookbook line on stdout by default', () => {
    expect(runFixture('default-sink.ts')).toMatch(
      /^spent \d+ microseconds in convertToPalindrome with arguments \('casa',\)\. Result was: casac\n$/,
    );
  });

  it('rejects bad options with a TypeError', () => {
    expect(() => timed(() => 1, { sink: 42 } as never)).toThrow(InvalidOptionError);
    expect(() => timed(() => 1, { sink: {} } as never)).toThrow(InvalidOptionError);
    expect(() => timed(() => 1, { label: 1 } as never)).toThrow(InvalidOptionError);
    expect(() => timed(() => 1, { clock: 'hr' } as never)).toThrow(InvalidOptionError);
    expect(() => timed({ sinc: () => {} } as never)).toThrow(/unknown option `sinc`/);
  });

  it('propagates a throwing sink instead of swallowing it', () => {
    const t = timed(() => 1, {
      sink: () => {
        throw new Error('sink down');
      },
    });
    expect(() => t()).toThrow('sink down');
  });
});

describe('@timed()', () => {
  it('works bare (@timed) with the default sink', () => {
    expect(runFixture('bare-timed.ts')).toMatch(
      /^spent \d+ microseconds in greet with arguments \('ada',\)\. Result was: hello ada\n$/,
    );
  });

  it('times methods and getters with this bound, named after the member', () => {
    const reports: TimingReport[] = [];
    class Svc {
      factor = 3;
      @timed({ sink: (r) => reports.push(r) })
      scale(n: number) {
        return n * this.factor;
      }
      @timed({ sink: (r) => reports.push(r) })
      get doubled() {
        return this.factor * 2;
      }
    }
    const s = new Svc();
    expect(s.scale(2)).toBe(6);
    expect(s.doubled).toBe(6);
    expect(reports.map((r) => [r.name, r.args, r.result])).toEqual([
      ['scale', [2], 6],
      ['doubled', [], 6],
    ]);
  });
});
