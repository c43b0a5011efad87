import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { afterEach, expect } from 'vitest';

/**
 * A `sleep` duration nobody else on the machine uses, so `ps` can find exactly our processes
 * (GNU sleep takes fractions). Far longer than any test.
 */
export function marker(): string {
  return `${randomInt(500, 900)}.${randomInt(1e6, 1e7)}`;
}

/** Pids and states of live processes whose command line starts with `text` (so `sh -c '...'` does not count). */
export function findProcesses(text: string): { pid: number; stat: string }[] {
  const out = execFileSync('ps', ['-eo', 'pid=,stat=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((line) => line.trim().match(/^(\d+)\s+(\S+)\s+(.*)$/))
    .filter((m): m is RegExpMatchArray => m !== null && m[3]!.startsWith(text))
    .map((m) => ({ pid: Number(m[1]), stat: m[2]! }));
}

/** The state letter `ps` reports for a pid, or null when there is no such process. */
export function processState(pid: number): string | null {
  try {
    return execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

/** Polls until `check` holds or `ms` passed; returns the last result. */
export async function eventually<T>(check: () => T, ok: (v: T) => boolean, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  let v = check();
  while (!ok(v) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 25));
    v = check();
  }
  return v;
}

/** Runs a python3 snippet with JSON on stdin and returns its JSON output (the oracle). */
export function python<T>(code: string, input: unknown): T {
  const out = execFileSync('python3', ['-c', code], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  return JSON.parse(out) as T;
}

/** Kills whatever is left with the marker (cleanup after a failed assertion). */
export function killMarked(text: string): void {
  for (const { pid } of findProcesses(text)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/**
 * Returns a `mark()` that hands out fresh markers, and registers an `afterEach` that fails the
 * test if any `sleep <marker>` it handed out is still alive (killing them either way).
 */
export function trackMarkers(): () => string {
  const used: string[] = [];
  afterEach(() => {
    // Whatever happened in the test, nothing with its markers may survive it.
    const left = used.flatMap((m) => findProcesses(`sleep ${m}`));
    for (const m of used.splice(0)) killMarked(`sleep ${m}`);
    expect(left).toEqual([]);
  });
  return () => {
    const m = marker();
    used.push(m);
    return m;
  };
}
