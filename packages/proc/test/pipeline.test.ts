import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AbortError, CalledProcessError, CommandNotFound, pipeline, TimeoutExpired } from '../src/index.js';
import { findProcesses, python, trackMarkers } from './helpers.js';

const mark = trackMarkers();

describe('pipeline', () => {
  it('connects stages like a | b | c and equals the shell pipeline', async () => {
    const r = await pipeline(
      [
        ['seq', '1', '20000'],
        ['grep', '7'],
        ['sort', '-r'],
        ['head', '-n', '5'],
      ],
      {
        capture: true,
        text: true,
      },
    );
    const sh = python<string>(
      `import json, subprocess; print(json.dumps(subprocess.run("seq 1 20000 | grep 7 | sort -r | head -n 5", shell=True, capture_output=True, text=True).stdout))`,
      null,
    );
    expect(r.stdout).toBe(sh);
    expect(r.returncodes).toHaveLength(4);
    expect(r.returncodes[3]).toBe(0);
  });

  it('feeds input to the first stage', async () => {
    const r = await pipeline([['tr', 'a-z', 'A-Z'], ['rev']], {
      input: 'hello\nworld\n',
      capture: true,
      text: true,
    });
    expect(r.stdout).toBe('OLLEH\nDLROW\n');
    expect(r.returncode).toBe(0);
  });

  it('reports every exit code and applies pipefail on check', async () => {
    const r = await pipeline([['sh', '-c', 'echo a; exit 3'], ['cat'], ['sh', '-c', 'cat; exit 0']], {
      capture: true,
      text: true,
    });
    expect(r.returncodes).toEqual([3, 0, 0]);
    expect(r.returncode).toBe(3);
    expect(r.stdout).toBe('a\n');
    const err = (await pipeline([['sh', '-c', 'echo broke >&2; exit 3'], ['cat']], {
      capture: true,
      check: true,
      text: true,
    }).catch((e: unknown) => e)) as CalledProcessError;
    expect(err).toBeInstanceOf(CalledProcessError);
    expect(err.stage).toBe(0);
    expect(err.returncode).toBe(3);
    expect(err.message).toContain('(pipeline stage 0)');
    expect(err.message).toContain('broke');
  });

  it('an early reader exit ends the writer and counts as a failure under pipefail', async () => {
    const r = await pipeline([['yes'], ['head', '-n', '2']], { capture: true, text: true });
    expect(r.stdout).toBe('y\ny\n');
    expect(r.returncodes[1]).toBe(0);
    // Node connects children with socketpairs, so the writer sees ECONNRESET/EPIPE (or SIGPIPE).
    expect(r.returncodes[0]).not.toBe(0);
    expect(r.returncode).toBe(r.returncodes[0]);
  });

  it('stops the stages already started when a later one cannot start', async () => {
    const m = mark();
    await expect(pipeline([['sleep', m], ['cb-no-such-program']])).rejects.toBeInstanceOf(CommandNotFound);
    expect(findProcesses(`sleep ${m}`)).toEqual([]);
  });

  it('kills every stage on timeout', async () => {
    const m = mark();
    const err = await pipeline(
      [
        ['sh', '-c', `sleep ${m} & sleep ${m}`],
        ['sleep', m],
      ],
      { timeoutMs: 200 },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutExpired);
    expect(findProcesses(`sleep ${m}`)).toEqual([]);
  });

  it('kills every stage when the signal aborts', async () => {
    const m = mark();
    const ac = new AbortController();
    const pending = pipeline(
      [
        ['sleep', m],
        ['sh', '-c', `cat; sleep ${m}`],
      ],
      { signal: ac.signal },
    );
    setTimeout(() => ac.abort(), 150);
    await expect(pending).rejects.toBeInstanceOf(AbortError);
    expect(findProcesses(`sleep ${m}`)).toEqual([]);
  });

  it('validates every stage before starting any', async () => {
    await expect(pipeline([['true'], 'ls' as never])).rejects.toThrow(TypeError);
    await expect(pipeline([])).rejects.toThrow(TypeError);
    await expect(pipeline([['true']], { shell: true } as never)).rejects.toThrow(/unknown option `shell`/);
  });

  it('rejects a non-boolean check or capture before starting any stage', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cb-proc-'));
    const touched = join(dir, 'ran');
    try {
      for (const bad of [{ check: 'yes' }, { capture: 1 }]) {
        await expect(pipeline([['touch', touched], ['cat']], bad as never)).rejects.toThrow(
          new RegExp(`\\\`${Object.keys(bad)[0]}\\\` must be a boolean`),
        );
        expect(existsSync(touched)).toBe(false);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
