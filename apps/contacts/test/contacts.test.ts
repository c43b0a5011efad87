import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { openTable } from '@cb/csv';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseArgs, runApp } from '../src/app.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'contacts-test-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function sink(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c: Buffer) => {
    text += c.toString();
  });
  return { stream, text: () => text };
}

async function session(lines: string[], verbose = false) {
  const out = sink();
  const err = sink();
  const dataFile = join(dir, 'contacts.csv');
  const logFile = join(dir, 'contacts.log');
  await runApp({
    dataFile,
    logFile,
    verbose,
    input: Readable.from(lines.map((l) => `${l}\n`)),
    output: out.stream,
    stderr: err.stream,
  });
  return { out: out.text(), err: err.text(), dataFile, log: readFileSync(logFile, 'utf8') };
}

describe('contacts app', () => {
  it('creates, lists and shows contacts, storing them in the CSV table', async () => {
    const r = await session([
      '1',
      'Ada',
      'ada@example.com',
      '555',
      '1',
      'Alan',
      '',
      '',
      '2',
      '3',
      'ADA',
      '0',
    ]);
    expect(r.out).toContain('1) Create Contact');
    expect(r.out).toContain('0) Exit');
    expect(r.out).toContain('Created #1 Ada <ada@example.com> 555');
    expect(r.out).toContain('Created #2 Alan');
    expect(r.out).toMatch(/Name or id: ADA\n#1 Ada <ada@example.com> 555/);
    const table = await openTable(r.dataFile);
    expect(await table.readAll()).toEqual([
      { id: '1', name: 'Ada', email: 'ada@example.com', phone: '555' },
      { id: '2', name: 'Alan', email: '', phone: '' },
    ]);
    await table.close();
  });

  it('logs to the file at the right levels and keeps the terminal clean', async () => {
    const r = await session(['1', 'Ada', 'ada@example.com', '', '3', 'Nobody', '0']);
    expect(r.err).toBe('');
    expect(r.out).not.toContain('[INFO]');
    const lines = r.log.trim().split('\n');
    const line = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} - \[(\w+)\] ([\w.]+): (.*)$/;
    for (const l of lines) expect(l).toMatch(line);
    const entries = lines.map((l) => line.exec(l)!.slice(1, 4).join(' '));
    expect(entries).toContain('INFO contacts.repository initializing contacts repository...');
    expect(entries).toContain('INFO contacts.repository creating contact...');
    expect(entries).toContain("WARNING contacts.repository contact was not found... ('Nobody')");
    expect(entries.some((e) => e.startsWith('DEBUG contacts.repository contact 1 stored'))).toBe(true);
  });

  it('--verbose also logs INFO and up to stderr', async () => {
    const r = await session(['3', 'Nobody', '0'], true);
    expect(r.err).toContain('[INFO] initializing contacts repository...');
    expect(r.err).toContain("[WARNING] contact was not found... ('Nobody')");
    expect(r.err).not.toContain('[DEBUG]');
  });

  it('rejects a bad email without storing it, and continues ids across runs', async () => {
    await session(['1', 'Ada', '', '', '0']);
    const r = await session(['1', 'Eve', 'not-an-email', '', '1', 'Bob', '', '', '0']);
    expect(r.out).toContain('Not created: Not an email address: not-an-email');
    expect(r.out).toContain('Created #2 Bob');
    expect(r.log).toContain("[WARNING] contacts.repository: contact rejected: bad email 'not-an-email'");
  });

  it('parses its arguments and rejects unknown ones', () => {
    expect(parseArgs(['--verbose', '--data', 'a.csv', '--log', 'a.log'])).toEqual({
      verbose: true,
      dataFile: 'a.csv',
      logFile: 'a.log',
    });
    expect(() => parseArgs(['--nope'])).toThrow(TypeError);
  });

  it('runs as a real process on piped stdin with nothing on stderr', async () => {
    const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
    const data = join(dir, 'c.csv');
    const log = join(dir, 'c.log');
    const child = spawn(process.execPath, ['--import', 'tsx', main, '--data', data, '--log', log], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.stdin.end('1\nAda\n\n\n2\n0\n');
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toContain('#1 Ada');
    expect(readFileSync(log, 'utf8')).toContain('[INFO] contacts.repository: creating contact...');
  });
});
