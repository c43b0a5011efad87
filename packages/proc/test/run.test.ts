import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  CalledProcessError,
  CompletedProcess,
  call,
  checkCall,
  checkOutput,
  DEVNULL,
  PIPE,
  ProcError,
  run,
  STDOUT,
} from '../src/index.js';
import { python } from './helpers.js';

interface PyRun {
  returncode: number;
  stdout: string | null;
  stderr: string | null;
  error?: {
    type: string;
    returncode: number;
    cmd: string[] | string;
    stdout: string | null;
    stderr: string | null;
  };
}

// Each case: args, and the Python keyword arguments we mirror in our options.
interface Case {
  args: string[] | string;
  py: {
    shell?: boolean;
    capture_output?: boolean;
    text?: boolean;
    input?: string;
    check?: boolean;
    stderr_stdout?: boolean;
  };
}

const PY_RUN = `
import json, subprocess, sys, base64
def enc(v):
    if v is None: return None
    return v if isinstance(v, str) else 'b64:' + base64.b64encode(v).decode()
out = []
for case in json.load(sys.stdin):
    kw = dict(case['py'])
    if kw.pop('stderr_stdout', False):
        kw['stdout'] = subprocess.PIPE
        kw['stderr'] = subprocess.STDOUT
    if 'input' in kw and not kw.get('text'):
        kw['input'] = kw['input'].encode()
    try:
        r = subprocess.run(case['args'], **kw)
        out.append({'returncode': r.returncode, 'stdout': enc(r.stdout), 'stderr': enc(r.stderr)})
    except subprocess.CalledProcessError as e:
        out.append({'returncode': e.returncode, 'stdout': enc(e.stdout), 'stderr': enc(e.stderr),
                    'error': {'type': 'CalledProcessError', 'returncode': e.returncode, 'cmd': e.cmd,
                              'stdout': enc(e.stdout), 'stderr': enc(e.stderr)}})
print(json.dumps(out))
`;

function enc(v: Buffer | string | null): string | null {
  if (v === null) return null;
  return typeof v === 'string' ? v : `b64:${v.toString('base64')}`;
}

const CASES: Case[] = [
  { args: ['echo', 'hello'], py: { capture_output: true } },
  { args: ['echo', 'hello'], py: { capture_output: true, text: true } },
  { args: ['sh', '-c', 'echo out; echo err >&2; exit 3'], py: { capture_output: true, text: true } },
  { args: ['sh', '-c', 'echo out; echo err >&2; exit 3'], py: { capture_output: true, check: true } },
  { args: ['printf', 'a\\r\\nb\\rc\\n'], py: { capture_output: true, text: true } },
  { args: ['printf', 'a\\r\\nb\\rc\\n'], py: { capture_output: true } },
  { args: ['cat'], py: { capture_output: true, input: 'piped in\nüñí\n' } },
  { args: ['cat'], py: { capture_output: true, text: true, input: 'piped in\nüñí\n' } },
  { args: ['sh', '-c', 'kill -TERM $$'], py: { capture_output: true } },
  { args: ['sh', '-c', 'kill -KILL $$'], py: { capture_output: true, check: true } },
  { args: ['sh', '-c', 'echo 1; echo 2 >&2; echo 3; echo 4 >&2'], py: { stderr_stdout: true, text: true } },
  { args: ['sh', '-c', 'exit 255'], py: { capture_output: true } },
  { args: ['head', '-c', '100000', '/dev/urandom'], py: { capture_output: true } },
  { args: ['true'], py: {} },
  { args: 'echo "$((6 * 7))" | tr 4 X; exit 9', py: { shell: true, capture_output: true, text: true } },
  { args: 'printf "%s|" "a b" c', py: { shell: true, capture_output: true } },
];

async function ours(c: Case): Promise<PyRun> {
  try {
    const r = await run(c.args, {
      capture: c.py.capture_output || undefined,
      stdout: c.py.stderr_stdout ? PIPE : undefined,
      stderr: c.py.stderr_stdout ? STDOUT : undefined,
      text: c.py.text,
      input: c.py.input,
      check: c.py.check,
      shell: c.py.shell,
    });
    return { returncode: r.returncode, stdout: enc(r.stdout), stderr: enc(r.stderr) };
  } catch (err) {
    if (!(err instanceof CalledProcessError)) throw err;
    const e = {
      type: err.name,
      returncode: err.returncode,
      cmd: typeof err.cmd === 'string' ? err.cmd : [...err.cmd],
      stdout: enc(err.stdout),
      stderr: enc(err.stderr),
    };
    return { returncode: err.returncode, stdout: e.stdout, stderr: e.stderr, error: e };
  }
}

describe('run() against python3 subprocess.run', () => {
  it('returns the same returncode, stdout, stderr and CalledProcessError fields for every case', async () => {
    const cases = CASES.filter((c) => c.args[0] !== 'head');
    const expected = python<PyRun[]>(PY_RUN, cases);
    for (const [i, c] of cases.entries()) {
      expect(await ours(c), JSON.stringify(c)).toEqual(expected[i]);
    }
  });

  it('captures binary output byte for byte', async () => {
    const r = await run(['head', '-c', '100000', '/dev/urandom'], { capture: true });
    expect(r.stdout).toBeInstanceOf(Buffer);
    expect(r.stdout!.length).toBe(100000);
    expect(r.stderr!.length).toBe(0);
  });

  it('leaves output uncaptured (null) unless asked, like Python', async () => {
    const r = await run(['true']);
    expect(r).toBeInstanceOf(CompletedProcess);
    expect(r.stdout).toBeNull();
    expect(r.stderr).toBeNull();
    expect(r.returncode).toBe(0);
  });

  it('reports a death by signal as a negative returncode and names the signal', async () => {
    const r = await run(['sh', '-c', 'kill -USR1 $$']);
    expect(r.returncode).toBe(-10);
    expect(r.signal).toBe('SIGUSR1');
  });

  it('keeps \\r\\n with newline: keep and decodes other encodings', async () => {
    const r = await run(['printf', 'a\\r\\n'], { capture: true, text: true, newline: 'keep' });
    expect(r.stdout).toBe('a\r\n');
    const latin = await checkOutput(['printf', '\\351t\\351'], { encoding: 'latin1' });
    expect(latin).toBe('été');
  });
});

describe('checkOutput against python3 subprocess.check_output', () => {
  it('returns the same output, and raises with the same fields', async () => {
    const cases: { args: string[]; text: boolean; merge: boolean; input?: string }[] = [
      { args: ['echo', 'a b'], text: false, merge: false },
      { args: ['printf', 'x\\r\\ny'], text: true, merge: false },
      { args: ['sh', '-c', 'echo 1; echo 2 >&2; echo 3'], text: true, merge: true },
      { args: ['sh', '-c', 'echo partial; exit 4'], text: true, merge: false },
      { args: ['sh', '-c', 'echo partial; echo why >&2; exit 5'], text: false, merge: true },
      { args: ['tr', 'a-z', 'A-Z'], text: true, merge: false, input: 'loud\n' },
    ];
    const expected = python<
      { out?: string; error?: { returncode: number; cmd: string[]; output: string } }[]
    >(
      `
import json, subprocess, sys, base64
def enc(v): return v if isinstance(v, str) else 'b64:' + base64.b64encode(v).decode()
res = []
for c in json.load(sys.stdin):
    kw = {'text': c['text']}
    if c['merge']: kw['stderr'] = subprocess.STDOUT
    if 'input' in c: kw['input'] = c['input'] if c['text'] else c['input'].encode()
    try:
        res.append({'out': enc(subprocess.check_output(c['args'], **kw))})
    except subprocess.CalledProcessError as e:
        res.append({'error': {'returncode': e.returncode, 'cmd': e.cmd, 'output': enc(e.output)}})
print(json.dumps(res))
`,
      cases,
    );
    for (const [i, c] of cases.entries()) {
      const got = await checkOutput(c.args, {
        text: c.text,
        stderr: c.merge ? STDOUT : undefined,
        input: c.input,
      }).then(
        (out) => ({ out: enc(out) }),
        (e: unknown) => {
          if (!(e instanceof CalledProcessError)) throw e;
          return {
            error: { returncode: e.returncode, cmd: [...(e.cmd as string[])], output: enc(e.output) },
          };
        },
      );
      expect(got, JSON.stringify(c)).toEqual(expected[i]);
    }
  });
});

describe('call, checkCall, checkOutput', () => {
  it('call() returns the exit code', async () => {
    expect(await call(['sh', '-c', 'exit 7'])).toBe(7);
    expect(await call(['true'])).toBe(0);
  });

  it('checkCall() resolves 0 or throws CalledProcessError', async () => {
    expect(await checkCall(['true'])).toBe(0);
    await expect(checkCall(['false'])).rejects.toMatchObject({
      code: 'PROC_CALLED_PROCESS_ERROR',
      returncode: 1,
    });
  });

  it('checkOutput() returns stdout as Buffer, or a string in text mode', async () => {
    const buf = await checkOutput(['echo', 'hi']);
    expect(Buffer.isBuffer(buf)).toBe(true);
    expect(buf.toString()).toBe('hi\n');
    const text: string = await checkOutput(['echo', 'hi'], { text: true });
    expect(text).toBe('hi\n');
  });

  it('checkOutput() with stderr: STDOUT keeps both streams in their real order', async () => {
    const script = 'for i in 1 2 3 4 5 6; do echo out$i; echo err$i >&2; done';
    const out = await checkOutput(['sh', '-c', script], { stderr: STDOUT, text: true });
    expect(out).toBe([1, 2, 3, 4, 5, 6].map((i) => `out${i}\nerr${i}\n`).join(''));
    const viaShell = await checkOutput(script, { shell: true, stderr: STDOUT, text: true });
    expect(viaShell).toBe(out);
  });

  it('checkOutput() error shows the command, the exit code and the tail of stderr', async () => {
    const err = await checkOutput(['sh', '-c', 'echo partial; echo "boom: no such thing" >&2; exit 2'], {
      text: true,
      stderr: PIPE,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CalledProcessError);
    const e = err as CalledProcessError;
    expect(e.message).toContain("sh -c 'echo partial;");
    expect(e.message).toContain('exited with code 2');
    expect(e.message).toContain('boom: no such thing');
    expect(e.stdout).toBe('partial\n');
    expect(e.output).toBe('partial\n');
  });

  it('checkOutput() feeds input and accepts a stream or iterable as input', async () => {
    expect(await checkOutput(['tr', 'a-z', 'A-Z'], { input: 'shout', text: true })).toBe('SHOUT');
    async function* chunks() {
      yield 'one ';
      yield Buffer.from('two');
    }
    expect(await checkOutput(['cat'], { input: chunks(), text: true })).toBe('one two');
  });

  it('sends output to DEVNULL, to a file descriptor and to a Writable stream', async () => {
    const { PassThrough } = await import('node:stream');
    const sink = new PassThrough();
    const got: Buffer[] = [];
    sink.on('data', (c: Buffer) => got.push(c));
    const r = await run(['sh', '-c', 'echo to-stream; echo hidden >&2'], { stdout: sink, stderr: DEVNULL });
    expect(r.returncode).toBe(0);
    await new Promise((res) => setImmediate(res));
    expect(Buffer.concat(got).toString()).toBe('to-stream\n');
    expect(sink.writableEnded).toBe(false);
  });

  it('runs in cwd with a replaced env', async () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a JS template
    const script = 'pwd; echo "$ONLY"; echo "${HOME:-unset}"';
    const out = await checkOutput(['sh', '-c', script], {
      cwd: '/',
      env: { ONLY: 'yes', PATH: process.env.PATH },
      text: true,
    });
    expect(out).toBe('/\nyes\nunset\n');
  });
});

describe('types follow the options', () => {
  it('gives strings in text mode, Buffers otherwise, and both for a run-time boolean', async () => {
    expectTypeOf(await checkOutput(['true'], { text: true })).toEqualTypeOf<string>();
    expectTypeOf(await checkOutput(['true'], { encoding: 'latin1' })).toEqualTypeOf<string>();
    expectTypeOf(await checkOutput(['true'])).toEqualTypeOf<Buffer>();
    expectTypeOf(await checkOutput(['true'], { text: false })).toEqualTypeOf<Buffer>();
    const flag = process.env.CB_NEVER_SET === '1';
    const either = await checkOutput(['echo', 'x'], { text: flag });
    expectTypeOf(either).toEqualTypeOf<string | Buffer>();
    expect(Buffer.isBuffer(either)).toBe(true);
    const r = await run(['echo', 'x'], { capture: true, text: true });
    expectTypeOf(r.stdout).toEqualTypeOf<string | null>();
    expect(r.stdout).toBe('x\n');
  });
});

describe('option validation', () => {
  it('rejects unknown options with a TypeError naming the key', async () => {
    await expect(run(['true'], { timeout: 5 } as never)).rejects.toThrow(/unknown option `timeout`/);
  });

  it('rejects a string command without shell, and an array with shell', async () => {
    await expect(run('ls -l' as never)).rejects.toThrow(/use split\(\)/);
    await expect(run(['ls'], { shell: true })).rejects.toThrow(TypeError);
  });

  it('rejects bad values with PROC_INVALID_OPTION', async () => {
    await expect(run(['true'], { timeoutMs: -1 })).rejects.toMatchObject({ code: 'PROC_INVALID_OPTION' });
    await expect(run(['true'], { stdout: 'nope' as never })).rejects.toBeInstanceOf(ProcError);
    await expect(run(['true'], { encoding: 'klingon' as never })).rejects.toMatchObject({
      code: 'PROC_INVALID_OPTION',
    });
    await expect(run(['echo', 'a\0b'])).rejects.toMatchObject({ code: 'PROC_INVALID_OPTION' });
  });

  it('rejects capture with stdout, input with stdin, and stdout in checkOutput', async () => {
    await expect(run(['true'], { capture: true, stdout: PIPE })).rejects.toThrow(TypeError);
    await expect(run(['cat'], { input: 'x', stdin: DEVNULL })).rejects.toThrow(TypeError);
    await expect(checkOutput(['true'], { stdout: PIPE } as never)).rejects.toThrow(TypeError);
  });
});
