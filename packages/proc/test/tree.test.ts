import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { AbortError, popen, run, TimeoutExpired } from '../src/index.js';
import { eventually, findProcesses, killMarked, processState, trackMarkers } from './helpers.js';

const mark = trackMarkers();

const gone = (m: string) =>
  eventually(
    () => findProcesses(`sleep ${m}`),
    (l) => l.length === 0,
  );

describe('timeouts and aborts kill the whole tree', () => {
  it("leaves no orphan after a timeout on sh -c 'sleep & sleep'", async () => {
    const [a, b] = [mark(), mark()];
    const err = await run(['sh', '-c', `sleep ${a} & sleep ${b}`], { timeoutMs: 200 }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TimeoutExpired);
    expect((err as TimeoutExpired).timeoutMs).toBe(200);
    // run() resolves only after the tree is gone: check at once, without polling.
    expect(findProcesses(`sleep ${a}`)).toEqual([]);
    expect(findProcesses(`sleep ${b}`)).toEqual([]);
  });

  it('carries the output printed before the timeout', async () => {
    const m = mark();
    const err = (await run(['sh', '-c', `echo started; echo warming >&2; sleep ${m}`], {
      timeoutMs: 300,
      capture: true,
      text: true,
    }).catch((e: unknown) => e)) as TimeoutExpired;
    expect(err).toBeInstanceOf(TimeoutExpired);
    expect(err.stdout).toBe('started\n');
    expect(err.stderr).toBe('warming\n');
    expect(err.message).toMatch(/timed out after 300 ms[\s\S]*warming/);
  });

  it('sends SIGKILL after the grace period to a tree that ignores SIGTERM', async () => {
    const m = mark();
    const started = Date.now();
    const err = await run(['sh', '-c', `trap '' TERM; sleep ${m} & trap '' TERM; wait`], {
      timeoutMs: 200,
      killGraceMs: 300,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutExpired);
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    expect(findProcesses(`sleep ${m}`)).toEqual([]);
  });

  it('does not hang on a descendant that left the group while holding the pipe', async () => {
    const m = mark();
    const err = await run(['sh', '-c', `setsid sleep ${m} & sleep ${m}`], {
      timeoutMs: 200,
      capture: true,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutExpired);
    // That escaped sleep is outside our group by its own choice; the test cleans it up.
    killMarked(`sleep ${m}`);
    await gone(m);
  });

  it('kills the tree on abort and rejects with AbortError carrying the reason', async () => {
    const m = mark();
    const ac = new AbortController();
    const pending = run(['sh', '-c', `sleep ${m} & sleep ${m}`], { signal: ac.signal });
    setTimeout(() => ac.abort(new Error('user pressed cancel')), 100);
    const err = (await pending.catch((e: unknown) => e)) as AbortError;
    expect(err).toBeInstanceOf(AbortError);
    expect(err.code).toBe('PROC_ABORTED');
    expect((err.cause as Error).message).toBe('user pressed cancel');
    expect(findProcesses(`sleep ${m}`)).toEqual([]);
  });

  it('does not start anything for an already aborted signal', async () => {
    const m = mark();
    const err = await run(['sleep', m], { signal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    expect(findProcesses(`sleep ${m}`)).toEqual([]);
  });

  it('kills only the child, not the group, with killTree: false', async () => {
    const m = mark();
    const err = await run(['sh', '-c', `sleep ${m} & exec sleep ${m}`], {
      timeoutMs: 200,
      killTree: false,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutExpired);
    // The background sleep was not ours to kill any more: exactly one is left.
    expect(findProcesses(`sleep ${m}`)).toHaveLength(1);
    killMarked(`sleep ${m}`);
    await gone(m);
  });
});

describe('Popen signals', () => {
  it('leaves no zombie after kill()', async () => {
    const m = mark();
    const p = popen(['sleep', m]);
    expect(processState(p.pid)).toMatch(/^[RSD]/);
    p.kill();
    expect(await p.wait()).toBe(-9);
    expect(p.signalCode).toBe('SIGKILL');
    expect(processState(p.pid)).toBeNull();
  });

  it('terminate() reaches grandchildren; sendSignal() only the child', async () => {
    const m = mark();
    const p = popen(['sh', '-c', `sleep ${m} & sleep ${m} & wait`]);
    await eventually(
      () => findProcesses(`sleep ${m}`),
      (l) => l.length === 2,
    );
    p.sendSignal('SIGTERM');
    // sh waits in `wait`; SIGTERM ends it, the sleeps go on.
    expect(await p.wait()).toBe(-15);
    expect(findProcesses(`sleep ${m}`)).toHaveLength(2);
    killMarked(`sleep ${m}`);
    await gone(m);

    const q = popen(['sh', '-c', `sleep ${m} & sleep ${m} & wait`]);
    await eventually(
      () => findProcesses(`sleep ${m}`),
      (l) => l.length === 2,
    );
    q.terminate();
    await q.wait();
    expect(await gone(m)).toEqual([]);
  });

  it('a popen() signal kills the tree, and wait() rejects with AbortError', async () => {
    const m = mark();
    const ac = new AbortController();
    const p = popen(['sh', '-c', `sleep ${m} & sleep ${m}`], { signal: ac.signal });
    await eventually(
      () => findProcesses(`sleep ${m}`),
      (l) => l.length === 2,
    );
    ac.abort();
    await expect(p.wait()).rejects.toBeInstanceOf(AbortError);
    expect(p.returncode).toBe(-15);
    expect(findProcesses(`sleep ${m}`)).toEqual([]);
  });

  it('cleanup: false lets a child outlive its parent on purpose', async () => {
    const m = mark();
    const parent = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/leave.ts', m], {
      stdio: 'ignore',
    });
    await once(parent, 'exit');
    expect(
      await eventually(
        () => findProcesses(`sleep ${m}`),
        (l) => l.length === 1,
      ),
    ).toHaveLength(1);
    killMarked(`sleep ${m}`);
    await gone(m);
  });

  it('terminateTree() resolves once nothing of the tree is left', async () => {
    const m = mark();
    const p = popen(['sh', '-c', `sleep ${m} & sleep ${m}`]);
    await eventually(
      () => findProcesses(`sleep ${m}`),
      (l) => l.length === 2,
    );
    await p.terminateTree(500);
    expect(findProcesses(`sleep ${m}`)).toEqual([]);
    expect(p.poll()).toBe(-15);
  });
});

describe('children do not outlive their parent', () => {
  async function startParent(mode: string) {
    const [a, b] = [mark(), mark()];
    const parent = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/parent.ts', mode, a, b], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = once(parent, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    const stderr: Buffer[] = [];
    parent.stderr.on('data', (c: Buffer) => stderr.push(c));
    const lines = createInterface({ input: parent.stdout });
    const iter = lines[Symbol.asyncIterator]();
    const first = await iter.next();
    expect(first.value, Buffer.concat(stderr).toString()).toMatch(/^ready \d+ \d+$/);
    // Everything must really run before the test goes on, or there would be nothing to clean up.
    await eventually(
      () => findProcesses(`sleep ${a}`),
      (l) => l.length === 2,
    );
    await eventually(
      () => findProcesses(`sleep ${b}`),
      (l) => l.length === (mode === 'linger' ? 2 : 1),
    );
    return { parent, a, b, exited, next: () => iter.next(), finish: () => parent.kill('SIGUSR2') };
  }

  it('kills them when the parent calls process.exit()', async () => {
    const { a, b, exited, finish } = await startParent('exit');
    finish();
    expect(await exited).toEqual([0, null]);
    expect(await gone(a)).toEqual([]);
    expect(await gone(b)).toEqual([]);
  });

  it('cleans up what a finished child left running in its group', async () => {
    const { a, b, exited, finish } = await startParent('linger');
    finish();
    expect(await exited).toEqual([0, null]);
    expect(await gone(a)).toEqual([]);
    expect(await gone(b)).toEqual([]);
  });

  it('SIGKILLs children that ignore SIGTERM when the parent exits', async () => {
    const { a, b, exited, finish } = await startParent('stubborn');
    finish();
    expect(await exited).toEqual([0, null]);
    expect(await gone(a)).toEqual([]);
    expect(await gone(b)).toEqual([]);
  });

  it('kills them when the parent dies of an uncaught exception', async () => {
    const { a, b, exited, finish } = await startParent('throw');
    finish();
    expect((await exited)[0]).toBe(1);
    expect(await gone(a)).toEqual([]);
    expect(await gone(b)).toEqual([]);
  });

  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    it(`passes ${sig} on and still dies of it (default behaviour kept)`, async () => {
      const { parent, a, b, exited } = await startParent('signal');
      parent.kill(sig);
      expect(await exited).toEqual([null, sig]);
      expect(await gone(a)).toEqual([]);
      expect(await gone(b)).toEqual([]);
    });
  }

  it("leaves SIGINT to the application's own handler, and cleans up when it exits", async () => {
    const { parent, a, b, exited, next, finish } = await startParent('handled');
    parent.kill('SIGINT');
    expect((await next()).value).toBe('handled');
    // SIGINT was passed on as a terminal would: the foreground sleep and the plain child died,
    // the shell's background job ignores SIGINT and lives until the app exits.
    expect(await gone(b)).toEqual([]);
    expect(
      await eventually(
        () => findProcesses(`sleep ${a}`),
        (l) => l.length === 1,
      ),
    ).toHaveLength(1);
    finish();
    expect(await exited).toEqual([3, null]);
    expect(await gone(a)).toEqual([]);
    expect(await gone(b)).toEqual([]);
  });
});
