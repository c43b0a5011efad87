import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Timer } from '@cb/concurrency';

/**
 * A daemon-style worker: it loops forever, but every pause is an unref'd Timer, so it never holds
 * the program open. `runDaemonProgram()` is the program itself (run in its own process);
 * `watchDaemon()` starts it as a child and reports how it ended.
 */
export async function runDaemonProgram(write: (line: string) => void): Promise<void> {
  const daemon = async () => {
    for (let beat = 1; ; beat++) {
      write(`daemon: heartbeat ${beat}`);
      await new Timer(20, () => undefined, { unref: true }).start().join();
    }
  };
  void daemon();
  write('main: doing the real work');
  await new Promise((r) => setTimeout(r, 75));
  write('main: done, exiting without waiting for the daemon');
}

/** Runs the daemon program in a child process; resolves with its output and exit code. */
export function watchDaemon(
  limitMs = 20_000,
): Promise<{ lines: string[]; code: number | null; exitedAlone: boolean }> {
  const entry = fileURLToPath(new URL('./daemon-main.ts', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', entry], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d;
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(killer);
      resolve({ lines: out.split('\n').filter(Boolean), code, exitedAlone: signal === null });
    });
  });
}
