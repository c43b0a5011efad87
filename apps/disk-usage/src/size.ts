// The cookbook's size.py: ask for a directory, print `du -sh` for it, and put du's complaint on
// stderr when it fails.
import { createInterface } from 'node:readline';
import { CommandNotFound, run } from '@cb/proc';

/** What one `du -sh` run gave: the summary line, or the error text and exit status. */
export interface SizeReport {
  ok: boolean;
  /** du's output (`"12K\t/path\n"`) when it succeeded. */
  stdout: string;
  /** du's complaint when it failed. */
  stderr: string;
  returncode: number;
}

/** Runs `du -sh DIR` safely: the directory is one argument, never parsed by a shell. */
export async function size(dir: string): Promise<SizeReport> {
  const r = await run(['du', '-sh', dir], { capture: true, text: true });
  return { ok: r.returncode === 0, stdout: r.stdout ?? '', stderr: r.stderr ?? '', returncode: r.returncode };
}

/** Reads the first line of stdin (or null at end of input). */
async function firstLine(prompt: string): Promise<string | null> {
  const rl = createInterface({ input: process.stdin, terminal: false });
  // Prompt only a person: when a program drives us through a pipe, stdout stays pure du output.
  if (process.stdin.isTTY) process.stdout.write(prompt);
  try {
    for await (const line of rl) return line;
    return null;
  } finally {
    rl.close();
  }
}

/** The `size` command: the directory comes from the arguments or, like the cookbook, from stdin. */
export async function sizeMain(args: readonly string[]): Promise<number> {
  const dir = args[0] ?? (await firstLine('Enter a directory: '));
  if (dir === null || dir.trim() === '') {
    process.stderr.write('size: no directory given\n');
    return 2;
  }
  try {
    const report = await size(dir);
    if (report.ok) process.stdout.write(report.stdout);
    else process.stderr.write(report.stderr);
    return report.returncode;
  } catch (err) {
    if (err instanceof CommandNotFound) {
      process.stderr.write(`size: ${err.message}\n`);
      return 127;
    }
    throw err;
  }
}
