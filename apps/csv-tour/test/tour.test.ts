import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { interactive, quotingModes, runTour, sniffedFile, spamExample } from '../src/tour.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'csv-tour-test-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function python(script: string): string {
  return execFileSync('python3', ['-c', script], { encoding: 'utf8' });
}

describe('csv-tour', () => {
  it('writes eggs.csv with the same bytes as the Python program', async () => {
    await spamExample(dir);
    const ours = await readFile(join(dir, 'eggs.csv'), 'utf8');
    const theirs = python(
      [
        'import csv, io, sys',
        'buf = io.StringIO(newline="")',
        "w = csv.writer(buf, delimiter=' ', quotechar='|', quoting=csv.QUOTE_MINIMAL)",
        "w.writerow(['Spam'] * 5 + ['Baked Beans'])",
        "w.writerow(['Spam', 'Lovely Spam', 'Wonderful Spam'])",
        'sys.stdout.write(buf.getvalue())',
      ].join('\n'),
    );
    expect(ours).toBe(theirs);
  });

  it('shows each quoting mode as Python writes it (the four modes Python 3.11 has)', () => {
    const lines = quotingModes();
    const theirs = python(
      [
        'import csv, io',
        "row = ['plain', 'with, comma', 'say \"hi\"', 42, 3.5, None]",
        'for q in (csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC, csv.QUOTE_NONE):',
        '    buf = io.StringIO(newline="")',
        "    csv.writer(buf, quoting=q, escapechar='\\\\', lineterminator='\\n').writerow(row)",
        '    print(buf.getvalue().rstrip())',
      ].join('\n'),
    ).split('\n');
    for (const [k, name] of ['QUOTE_MINIMAL', 'QUOTE_ALL', 'QUOTE_NONNUMERIC', 'QUOTE_NONE'].entries()) {
      const line = lines.find((l) => l.trim().startsWith(`${name} `))!;
      expect(line.trim().slice(name.length).trim()).toBe(theirs[k]);
    }
  });

  it('sniffs the unknown file as Python does', async () => {
    const out = await sniffedFile(dir);
    expect(out[0]).toBe('sniffed: delimiter ";", quotechar "\'", doublequote true');
    const theirs = python(
      `import csv\ns=open(${JSON.stringify(join(dir, 'unknown.csv'))}).read()\nprint(csv.Sniffer().has_header(s))`,
    );
    expect(out[1]).toBe(`has a header: ${theirs.trim() === 'True'}`);
    expect(out).toContain('  ["3","O\'Neil","7.25"]');
  });

  it('asks for columns and rows until the user stops, then reads the file back', async () => {
    const answers = ['zero', '2', 'name', 'phone', 'Ana', '555, ext. 1', 'y', 'Ben', '', 'N'];
    const questions: string[] = [];
    const out = await interactive(dir, async (q) => {
      questions.push(q);
      return answers.shift() ?? '';
    });
    expect(questions[0]).toBe('How many columns would you like? (1-20) ');
    expect(questions[1]).toBe(questions[0]);
    expect(questions.filter((q) => q === 'continue? (y/N) ')).toHaveLength(2);
    expect(await readFile(join(dir, 'rows.csv'), 'utf8')).toBe('name,phone\r\nAna,"555, ext. 1"\r\nBen,\r\n');
    expect(out).toContain('  line 2: ["Ana","555, ext. 1"]');
  });

  it('stops asking when the input is closed and keeps the rows entered so far', async () => {
    expect(await interactive(dir, async () => null)).toEqual(['no columns given, nothing written']);
    const answers: (string | null)[] = ['1', 'city', 'Oslo', 'y', null];
    const out = await interactive(dir, async () => answers.shift() ?? null);
    expect(await readFile(join(dir, 'rows.csv'), 'utf8')).toBe('city\r\nOslo\r\n');
    expect(out).toContain('  line 2: ["Oslo"]');
  });

  it('runs every section of the chapter', async () => {
    const out = (await runTour(dir)).join('\n');
    for (const title of ['Write rows', 'Space delimiter', 'quoting mode', 'sorted columns', 'sniffed file']) {
      expect(out).toContain(title);
    }
  });

  it('runs as the demo target, and in a pipe without prompting', async () => {
    const root = fileURLToPath(new URL('..', import.meta.url));
    const run = promisify(execFile);
    for (const script of ['src/demo.ts', 'src/main.ts']) {
      const { stdout } = await run(process.execPath, ['--import', 'tsx', script], {
        cwd: root,
        encoding: 'utf8',
      });
      expect(stdout).toContain('== A sniffed file ==');
      expect(stdout).not.toContain('How many columns');
    }
  });
});
