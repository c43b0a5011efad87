import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { convertToPalindrome, NO_SPACES } from '../src/palindrome.js';

const appDir = fileURLToPath(new URL('..', import.meta.url));
const INPUTS = ['anitalavalatina', 'menem', 'mene', 'casa', 'casaca', 'anita lava la tina'];
const pyTuple = (s: string) => `('${s}',)`;

function run(script: string, input?: string): string[] {
  return execFileSync(process.execPath, ['--import', 'tsx', script], {
    cwd: appDir,
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0' },
    input,
    timeout: 60_000,
  })
    .trimEnd()
    .split('\n');
}

function timingLine(input: string): RegExp {
  const result = input.includes(' ') ? NO_SPACES : convertToPalindrome(input);
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(
    `^spent \\d+ microseconds in convertToPalindrome with arguments ${esc(pyTuple(input))}\\. Result was: ${esc(result)}$`,
  );
}

describe('demo', () => {
  it('converts every input, computing each once and serving the second call from cache', () => {
    const lines = run('src/demo.ts');
    const second = lines.indexOf('--- second call (served from cache)');
    expect(lines[0]).toBe('--- first call');
    expect(second).toBeGreaterThan(0);
    const [first, again] = [lines.slice(1, second), lines.slice(second + 1, -1)];
    // First round: a valid input misses the cache (announced) then is timed; one with spaces is rejected.
    const expectedFirst = INPUTS.flatMap((input) => [
      `> ${input}`,
      ...(input.includes(' ') ? [] : [`result for args ${pyTuple(input)} was not found in cache...`]),
      timingLine(input),
    ]);
    expect(first).toHaveLength(expectedFirst.length);
    first.forEach((line, i) => {
      const want = expectedFirst[i]!;
      if (typeof want === 'string') expect(line).toBe(want);
      else expect(line).toMatch(want);
    });
    // Second round: no miss announcements at all.
    const expectedAgain = INPUTS.flatMap((input) => [`> ${input}`, timingLine(input)]);
    expect(again).toHaveLength(expectedAgain.length);
    again.forEach((line, i) => {
      const want = expectedAgain[i]!;
      if (typeof want === 'string') expect(line).toBe(want);
      else expect(line).toMatch(want);
    });
    expect(lines.at(-1)).toBe('--- cache: hits=5 misses=5 maxSize=128 currSize=5');
  });

  it('main prompts in a terminal and stops at exit', () => {
    // `script` (util-linux, essential on Debian) gives the program a pseudo-terminal.
    const out = execFileSync(
      'script',
      ['-qec', `${process.execPath} --import tsx src/main.ts`, '/dev/null'],
      {
        cwd: appDir,
        encoding: 'utf8',
        input: 'casaca\nexit\nmene\n',
        timeout: 60_000,
      },
    ).replace(/\r/g, '');
    expect(out).toContain("Type a string to turn it into a palindrome; 'exit' quits.");
    expect(out).toContain('palindrome> ');
    const lines = out.split('\n');
    expect(lines).toContain("result for args ('casaca',) was not found in cache...");
    expect(lines.some((l) => timingLine('casaca').test(l))).toBe(true);
    // Nothing after `exit` runs (the terminal echoes it, but no result is computed for it).
    expect(out).not.toContain("result for args ('mene',)");
  });

  it('main reads lines until exit when stdin is not a terminal', () => {
    const lines = run('src/main.ts', 'mene\nmene\nexit\ncasa\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe("result for args ('mene',) was not found in cache...");
    expect(lines[1]).toMatch(timingLine('mene'));
    expect(lines[2]).toMatch(timingLine('mene'));
  });
});
