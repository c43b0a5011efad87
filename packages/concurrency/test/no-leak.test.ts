import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('./fixtures/no-leak.ts', import.meta.url));

interface Outcome {
  exited: boolean;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the child and reports whether it exited by itself within `limitMs` (it is killed otherwise). */
function runChild(mode: string, limitMs: number): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, mode], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d;
    });
    let exited = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      exited = signal === null;
      resolve({ exited, code, stdout, stderr });
    });
  });
}

describe('no leaks', () => {
  it('exits on its own after timeouts, aborts, clearQueue, cancel and early loop exit', async () => {
    const r = await runChild('primitives', 30_000);
    expect(r.stderr).toBe('');
    expect(r).toMatchObject({ exited: true, code: 0 });
    expect(JSON.parse(r.stdout)).toEqual([
      'ABORTED',
      'TIMEOUT',
      'TIMEOUT',
      'ok',
      'BROKEN_BARRIER',
      'ok',
      'ABORTED',
      'ABORTED',
      'ok',
      'ABORTED',
      'TIMEOUT',
      'false',
    ]);
  }, 40_000);

  it('exits after a pool aborted a hung task and was closed', async () => {
    const r = await runChild('pool-close', 30_000);
    expect(r).toMatchObject({ exited: true, code: 0 });
    expect(JSON.parse(r.stdout)).toEqual(['ABORTED', 'ok']);
  }, 40_000);

  it('exits with an idle pool that was never closed (idle workers do not hold the process)', async () => {
    const r = await runChild('pool-idle', 30_000);
    expect(r).toMatchObject({ exited: true, code: 0 });
  }, 40_000);

  it('a Timer whose fn fails and was never joined surfaces the error as an uncaught exception', async () => {
    const r = await runChild('timer-error', 30_000);
    expect(r.exited).toBe(true);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('nobody joined this timer');
  }, 40_000);

  it('control: a started, uncancelled timer does keep the child alive', async () => {
    const r = await runChild('leak-control', 3_000);
    expect(r.exited).toBe(false);
  }, 10_000);
});
