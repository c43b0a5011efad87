// The cookbook's warning about shell=True: a "directory name" that is really two commands.
import { run } from '@cb/proc';

/** The name from the cookbook: harmless here (it lists /tmp), but it shows what a shell would run. */
export const HOSTILE_NAME = '/dev/null; ls -l /tmp';

/** The outcome of one call, for side-by-side display. */
export interface Outcome {
  /** How the call was written, as shown to the reader. */
  call: string;
  returncode: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `du -sh NAME` both ways. Unsafe: the name is pasted into a shell command string, so `;`
 * starts a second command. Safe: the name is one argument, so du looks for a file of that name.
 */
export async function compareInjection(
  name: string = HOSTILE_NAME,
): Promise<{ unsafe: Outcome; safe: Outcome }> {
  const line = `du -sh ${name}`;
  const u = await run(line, { shell: true, capture: true, text: true });
  const s = await run(['du', '-sh', name], { capture: true, text: true });
  return {
    unsafe: {
      call: `run(${JSON.stringify(line)}, { shell: true })`,
      returncode: u.returncode,
      stdout: u.stdout ?? '',
      stderr: u.stderr ?? '',
    },
    safe: {
      call: `run(${JSON.stringify(['du', '-sh', name])})`,
      returncode: s.returncode,
      stdout: s.stdout ?? '',
      stderr: s.stderr ?? '',
    },
  };
}

/** Shows at most `max` lines of a text, saying how many were left out. */
export function clip(text: string, max = 6): string {
  const lines = text.replace(/\n$/, '').split('\n');
  if (lines.length <= max) return lines.join('\n');
  return [...lines.slice(0, max), `... (${lines.length - max} more lines)`].join('\n');
}

/** The `injection` command: prints both outcomes. */
export async function injectionMain(args: readonly string[]): Promise<number> {
  const { unsafe, safe } = await compareInjection(args[0] ?? HOSTILE_NAME);
  for (const [label, o] of [
    ['UNSAFE (shell string)', unsafe],
    ['SAFE (argument list)', safe],
  ] as const) {
    process.stdout.write(`--- ${label}: ${o.call}\nexit ${o.returncode}\n`);
    if (o.stdout) process.stdout.write(`stdout:\n${clip(o.stdout)}\n`);
    if (o.stderr) process.stdout.write(`stderr:\n${clip(o.stderr)}\n`);
  }
  return 0;
}
