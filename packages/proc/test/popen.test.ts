import { createHash } from 'node:crypto';
import { once } from 'node:events';
import {
  closeSync,
  createReadStream,
  createWriteStream,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DEVNULL, MaxBufferError, PIPE, Popen, popen, run, STDOUT, TimeoutExpired } from '../src/index.js';
import { findProcesses, trackMarkers } from './helpers.js';

const mark = trackMarkers();

const MB = 1024 * 1024;

describe('communicate', () => {
  it('never deadlocks with 100 MB on stdout and on stderr while 100 MB goes to stdin', async () => {
    const size = 100 * MB;
    const input = Buffer.alloc(size, 'x');
    // cat echoes stdin to stdout while a background job fills stderr: all three pipes are busy at once.
    const p = popen(['sh', '-c', `head -c ${size} /dev/zero >&2 & cat; wait`], {
      stdin: PIPE,
      stdout: PIPE,
      stderr: PIPE,
    });
    const { stdout, stderr } = await p.communicate(input);
    expect(p.returncode).toBe(0);
    expect(stdout!.length).toBe(size);
    expect(stderr!.length).toBe(size);
    expect(stdout!.equals(input)).toBe(true);
    expect(stderr!.every((b) => b === 0)).toBe(true);
  });

  it('returns text when asked and null for streams that are not pipes', async () => {
    const p = popen(['sh', '-c', 'cat; echo err >&2'], { stdin: PIPE, stdout: PIPE, text: true });
    expect(p).toBeInstanceOf(Popen);
    const out = await p.communicate('héllo\r\n');
    expect(out).toEqual({ stdout: 'héllo\n', stderr: null });
  });

  it('rejects input without stdin: PIPE, and a second input', async () => {
    const p = popen(['cat'], { stdin: PIPE, stdout: PIPE });
    await expect(p.communicate('x', { timeoutMs: 5000 })).resolves.toMatchObject({
      stdout: Buffer.from('x'),
    });
    await expect(p.communicate('again')).rejects.toThrow(/after communication started/);
    const q = popen(['true'], { stdout: PIPE });
    await expect(q.communicate('x')).rejects.toThrow(/stdin: PIPE/);
    await q.wait();
  });

  it('throws TimeoutExpired without killing, and a later call collects everything', async () => {
    const p = popen(['sh', '-c', 'echo first; sleep 0.6; echo second'], { stdout: PIPE, text: true });
    const err = await p.communicate(undefined, { timeoutMs: 150 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutExpired);
    expect((err as TimeoutExpired).stdout).toBe('first\n');
    expect(p.poll()).toBeNull();
    const { stdout } = await p.communicate();
    expect(stdout).toBe('first\nsecond\n');
    expect(p.returncode).toBe(0);
  });

  it('kills the tree with MaxBufferError naming the stream and the limit', async () => {
    const err = (await run(['sh', '-c', 'echo fine; yes >&2'], { capture: true, maxBuffer: 64 * 1024 }).catch(
      (e: unknown) => e,
    )) as MaxBufferError;
    expect(err).toBeInstanceOf(MaxBufferError);
    expect(err.code).toBe('PROC_MAX_BUFFER');
    expect(err.stream).toBe('stderr');
    expect(err.maxBuffer).toBe(65536);
    expect((err.stderr as Buffer).length).toBe(65536);
    expect(String(err.stdout)).toBe('fine\n');
    expect(err.message).toMatch(/more than maxBuffer \(65536 bytes\) to stderr/);
  });
});

describe('Popen', () => {
  it('poll() is null while running; wait() returns the code and times out without killing', async () => {
    const m = mark();
    const p = popen(['sleep', m]);
    expect(p.pid).toBeGreaterThan(0);
    expect(p.poll()).toBeNull();
    await expect(p.wait({ timeoutMs: 100 })).rejects.toBeInstanceOf(TimeoutExpired);
    expect(p.poll()).toBeNull();
    p.terminate();
    expect(await p.wait()).toBe(-15);
    expect(p.poll()).toBe(-15);
  });

  it('lines() yields lines without endings, across chunk boundaries and \\r\\n', async () => {
    const p = popen(['sh', '-c', 'printf "one\\r"; sleep 0.05; printf "\\ntwo\\rthree\\nfour"'], {
      stdout: PIPE,
    });
    const got: string[] = [];
    for await (const line of p.lines()) got.push(line);
    expect(got).toEqual(['one', 'two', 'three', 'four']);
    expect(await p.wait()).toBe(0);
  });

  it('lines() keeps \\r with newline: keep, and reads stderr too', async () => {
    const p = popen(['sh', '-c', 'printf "a\\r\\nb\\n" >&2'], { stderr: PIPE, newline: 'keep' });
    const got: string[] = [];
    for await (const line of p.lines('stderr')) got.push(line);
    expect(got).toEqual(['a\r', 'b']);
    await p.wait();
  });

  it('lines() decodes multi-byte characters split between chunks', async () => {
    const p = popen(['sh', '-c', 'printf "\\303"; sleep 0.05; printf "\\251t\\303\\251\\n"'], {
      stdout: PIPE,
    });
    const got: string[] = [];
    for await (const line of p.lines()) got.push(line);
    expect(got).toEqual(['été']);
    await p.wait();
  });

  it('streams through stdin and stdout pipes by hand', async () => {
    const p = popen(['sha256sum'], { stdin: PIPE, stdout: PIPE, text: true });
    const data = Buffer.alloc(3 * MB, 'z');
    Readable.from([data.subarray(0, MB), data.subarray(MB)]).pipe(p.stdin!);
    const lines: string[] = [];
    for await (const line of p.lines()) lines.push(line);
    expect(lines[0]!.split(' ')[0]).toBe(createHash('sha256').update(data).digest('hex'));
    expect(await p.wait()).toBe(0);
  });

  it('merges stderr into an inherited or DEVNULL stdout without a pipe', async () => {
    expect(
      (await run(['sh', '-c', 'echo x >&2; exit 4'], { stdout: DEVNULL, stderr: STDOUT })).returncode,
    ).toBe(4);
  });

  it('rejects unknown wait options', async () => {
    const p = popen(['true']);
    await expect(p.wait({ timeout: 1 } as never)).rejects.toThrow(TypeError);
    await p.wait();
  });
});

describe('streams and descriptors', () => {
  it('writes straight into an open file stream and reads from a file stream as input', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cb-proc-streams-'));
    try {
      const src = join(dir, 'in.txt');
      writeFileSync(src, 'hello file\n'.repeat(1000));
      const out = createWriteStream(join(dir, 'out.gz'));
      await once(out, 'open');
      await run(['gzip', '-c'], { input: createReadStream(src), stdout: out, check: true });
      out.end();
      await once(out, 'close');
      const back = await run(['gzip', '-dc', join(dir, 'out.gz')], { capture: true, text: true });
      expect(back.stdout).toBe(readFileSync(src, 'utf8'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('accepts a file descriptor for stdin', async () => {
    const fd = openSync('/etc/hostname', 'r');
    try {
      const out = await run(['cat'], { stdin: fd, capture: true, text: true });
      expect(out.stdout).toBe(readFileSync('/etc/hostname', 'utf8'));
    } finally {
      closeSync(fd);
    }
  });
});

describe('input failures', () => {
  it('rejects with the input stream error and stops the child', async () => {
    const m = mark();
    const broken = new Readable({
      read() {
        this.destroy(new Error('disk went away'));
      },
    });
    const err = await run(['sh', '-c', `cat >/dev/null; sleep ${m}`], { input: broken }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toBe('disk went away');
    expect(findProcesses(`sleep ${m}`)).toEqual([]);
  });

  it('ignores a child that exits without reading its input (no EPIPE crash)', async () => {
    const r = await run(['true'], { input: Buffer.alloc(4 * MB) });
    expect(r.returncode).toBe(0);
  });
});
