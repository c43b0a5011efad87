import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createAuditLog } from '../src/audit.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('admin action log (@cb/log)', () => {
  it('writes one line per action with who, what, target, when and where to its file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'riddles-audit-'));
    dirs.push(dir);
    const file = path.join(dir, 'nested', 'admin.log');
    const audit = createAuditLog({ file, loggerName: 'riddles.admin.test-file' });
    audit.record({ user: 'ana', action: 'login', target: 'user ana', ip: '127.0.0.1' });
    audit.record({ user: 'ana', action: 'riddle_created', target: 'riddle 3 “Two\nlines”', ip: '127.0.0.1' });
    audit.record({ user: 'eve', action: 'login_failed', target: 'user eve', ip: '10.0.0.9' });
    await audit.close();
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} INFO riddles\.admin\.test-file user='ana' action=login target='user ana' ip=127\.0\.0\.1$/,
    );
    // A newline in a riddle cannot forge a second log line.
    expect(lines[1]).toContain("action=riddle_created target='riddle 3 “Two\\nlines”'");
    expect(lines[2]).toContain("WARNING riddles.admin.test-file user='eve' action=login_failed");
    expect(lines[2]).toContain('ip=10.0.0.9');
  });

  it('writes the same lines to a stream and keeps the latest entries for the dashboard', async () => {
    const stream = new PassThrough();
    let out = '';
    stream.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    const audit = createAuditLog({ stream, keep: 2, loggerName: 'riddles.admin.test-stream' });
    const at = new Date('2026-01-02T03:04:05Z');
    for (const action of ['login', 'csv_exported', 'logout'] as const) {
      audit.record({ user: 'bo', action, target: '-', ip: '::1' }, at);
    }
    await audit.close();
    expect(
      out
        .trimEnd()
        .split('\n')
        .map((l) => /action=(\w+)/.exec(l)?.[1]),
    ).toEqual(['login', 'csv_exported', 'logout']);
    expect(audit.recent().map((e) => e.action)).toEqual(['logout', 'csv_exported']);
    expect(audit.recent()[0]!.at).toEqual(at);
  });

  it('stops writing after close', async () => {
    const stream = new PassThrough();
    let out = '';
    stream.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    const audit = createAuditLog({ stream, loggerName: 'riddles.admin.test-closed' });
    await audit.close();
    audit.record({ user: 'x', action: 'login', target: '-', ip: '-' });
    expect(out).toBe('');
  });
});
