// The cookbook's size-of-tmp: drive the `size` program through its stdin with communicate().
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PIPE, popen } from '@cb/proc';

const APP_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The command line that starts this app's `size` CLI (node with tsx, as `npm start` does). */
export function sizeCommand(): string[] {
  return [process.execPath, '--import', 'tsx', join(APP_DIR, 'src', 'main.ts'), 'size'];
}

/** What the driven `size` program answered. */
export interface Answer {
  stdout: string;
  stderr: string;
  returncode: number;
}

/** Starts `size`, types `dir` and Enter into its stdin, and collects both outputs at once. */
export async function askSize(dir: string): Promise<Answer> {
  const p = popen(sizeCommand(), { stdin: PIPE, stdout: PIPE, stderr: PIPE, text: true, cwd: APP_DIR });
  const { stdout, stderr } = await p.communicate(`${dir}\n`, { timeoutMs: 60_000 });
  return { stdout: stdout ?? '', stderr: stderr ?? '', returncode: p.returncode ?? -1 };
}

/** The `size-of-tmp` command: asks `size` about each directory (default `/tmp`) and reports. */
export async function sizeOfTmpMain(args: readonly string[]): Promise<number> {
  let worst = 0;
  for (const dir of args.length ? args : ['/tmp']) {
    const a = await askSize(dir);
    if (a.returncode === 0) process.stdout.write(`size says: ${a.stdout}`);
    else process.stdout.write(`size failed (exit ${a.returncode}): ${a.stderr}`);
    worst = Math.max(worst, a.returncode === 0 ? 0 : 1);
  }
  return worst;
}
