import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CalledProcessError,
  CommandNotFound,
  checkOutput,
  PIPE,
  ProcError,
  popen,
  run,
  SpawnError,
  STDOUT,
  SubprocessError,
} from '../src/index.js';

const dir = mkdtempSync(joinPath(tmpdir(), 'cb-proc-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('errors', () => {
  it('every error is a ProcError with a stable code; process failures are SubprocessErrors', () => {
    const e = new CalledProcessError(['x'], 1, null, null, null);
    expect(e).toBeInstanceOf(SubprocessError);
    expect(e).toBeInstanceOf(ProcError);
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('CalledProcessError');
    expect(e.code).toBe('PROC_CALLED_PROCESS_ERROR');
  });

  it('a missing program is CommandNotFound with its name and the PATH searched', async () => {
    const err = (await run(['cb-no-such-program'], { env: { PATH: `${dir}:/usr/bin` } }).catch(
      (e: unknown) => e,
    )) as CommandNotFound;
    expect(err).toBeInstanceOf(CommandNotFound);
    expect(err.code).toBe('PROC_COMMAND_NOT_FOUND');
    expect(err.command).toBe('cb-no-such-program');
    expect(err.searched).toEqual([dir, '/usr/bin']);
    expect(err.message).toContain(`in PATH (${dir}:/usr/bin)`);
  });

  it('popen() throws CommandNotFound synchronously, like Python', () => {
    expect(() => popen(['cb-no-such-program'])).toThrow(CommandNotFound);
    expect(() => popen(['./cb-missing-script'], { cwd: dir })).toThrow(/no such file/);
  });

  it('a missing program is found before the STDOUT merge shell could hide it', async () => {
    await expect(checkOutput(['cb-no-such-program'], { stderr: STDOUT })).rejects.toBeInstanceOf(
      CommandNotFound,
    );
  });

  it('a missing cwd and a non-executable file are SpawnErrors with the OS code', async () => {
    const cwdErr = (await run(['true'], { cwd: joinPath(dir, 'nope') }).catch(
      (e: unknown) => e,
    )) as SpawnError;
    expect(cwdErr).toBeInstanceOf(SpawnError);
    expect(cwdErr.code).toBe('PROC_SPAWN_FAILED');
    expect(cwdErr.errno).toBe('ENOENT');
    expect(cwdErr.message).toContain('working directory');
    const script = joinPath(dir, 'not-executable.sh');
    writeFileSync(script, '#!/bin/sh\necho hi\n');
    chmodSync(script, 0o644);
    const accErr = (await run([script]).catch((e: unknown) => e)) as SpawnError;
    expect(accErr).toBeInstanceOf(SpawnError);
    expect(accErr.errno).toBe('EACCES');
  });

  it('CalledProcessError names a signal and keeps the last lines of a long stderr', async () => {
    const err = (await run(['sh', '-c', 'for i in $(seq 1 50); do echo line$i >&2; done; kill -TERM $$'], {
      check: true,
      stderr: PIPE,
      text: true,
    }).catch((e: unknown) => e)) as CalledProcessError;
    expect(err.returncode).toBe(-15);
    expect(err.signal).toBe('SIGTERM');
    expect(err.message).toContain('was killed by SIGTERM');
    expect(err.message).toContain('line50');
    expect(err.message).not.toContain('line30\n');
    expect(err.stderr).toContain('line1\n');
  });

  it('CalledProcessError falls back to the tail of stdout when stderr is empty', () => {
    const e = new CalledProcessError(['make'], 2, null, 'compiling\nerror: bad\n', '');
    expect(e.message).toBe('Command `make` exited with code 2\n--- stdout (tail) ---\ncompiling\nerror: bad');
  });
});
