import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli-run.js';
import { createTestServer, type TestServer } from '../src/testing.js';
import { parseWithPython, tempDir } from './helpers.js';

const pass = 's3cret-pass';
let server: TestServer;
let tmp: Awaited<ReturnType<typeof tempDir>>;
let caFile: string;
beforeAll(async () => {
  server = await createTestServer({ tls: 'starttls', auth: { user: 'ada', pass } });
  tmp = await tempDir();
  caFile = join(tmp.dir, 'ca.pem');
  await writeFile(caFile, server.ca!);
  await writeFile(join(tmp.dir, 'body.txt'), 'Hello from the CLI\n');
  await writeFile(join(tmp.dir, 'body.html'), '<p>Hello</p>\n');
  await writeFile(join(tmp.dir, 'attachment.txt'), 'attached text\n');
});
afterAll(async () => {
  await server.close();
  await tmp.cleanup();
});

async function cli(args: string[], env: Record<string, string> = {}, stdin = '') {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  const code = await runCli(args, { env, stdin: Readable.from([Buffer.from(stdin)]), stdout, stderr });
  return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}

const connection = () => [
  '--host',
  server.host,
  '--port',
  String(server.port),
  '--security',
  'starttls',
  '--ca',
  caFile,
];

describe('cb-mail', () => {
  it('sends text, HTML and an attachment with the password from the environment', async () => {
    const before = server.messages.length;
    const r = await cli(
      [
        'send',
        ...connection(),
        '--user',
        'ada',
        '--from',
        'Ada <ada@example.com>',
        '--to',
        'bob@example.com',
        '--to',
        'carol@example.com',
        '--subject',
        'CLI test',
        '--text',
        join(tmp.dir, 'body.txt'),
        '--html',
        join(tmp.dir, 'body.html'),
        '--attach',
        join(tmp.dir, 'attachment.txt'),
        '--header',
        'X-Sent-By: cb-mail',
      ],
      { CB_MAIL_PASSWORD: pass },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Sent <.+> to bob@example.com, carol@example.com\n$/);
    const got = server.messages[before]!;
    expect(got).toMatchObject({ user: 'ada', secure: true, subject: 'CLI test' });
    expect(got.attachments.map((a) => a.filename)).toEqual(['attachment.txt']);
    const py = await parseWithPython(got.raw!);
    expect(py.headers['x-sent-by']).toBe('cb-mail');
    expect(py.text?.trim()).toBe('Hello from the CLI');
    expect(py.html?.trim()).toBe('<p>Hello</p>');
  });

  it('takes connection settings from the environment and the body from stdin, and prints JSON', async () => {
    const env = {
      CB_MAIL_HOST: server.host,
      CB_MAIL_PORT: String(server.port),
      CB_MAIL_SECURITY: 'starttls',
      CB_MAIL_CA: caFile,
      CB_MAIL_USER: 'ada',
      CB_MAIL_PASSWORD: pass,
      CB_MAIL_FROM: 'ada@example.com',
    };
    const r = await cli(
      ['send', '--to', 'bob@example.com', '--subject', 'stdin', '--text', '-', '--json'],
      env,
      'piped body',
    );
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as { accepted: string[]; messageId: string };
    expect(result.accepted).toEqual(['bob@example.com']);
    expect(server.messages.at(-1)?.text?.trim()).toBe('piped body');
  });

  it('refuses a password on the command line, and asks for none without a terminal', async () => {
    const r = await cli(['send', '--password', 'x', '--to', 'b@example.com']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('not taken from the command line');
    const noPass = await cli(['verify', ...connection(), '--user', 'ada']);
    expect(noPass.code).toBe(2);
    expect(noPass.stderr).toContain('CB_MAIL_PASSWORD');
  });

  it('reports a wrong password as EAUTH with exit code 1, without echoing it', async () => {
    const r = await cli(['verify', ...connection(), '--user', 'ada'], { CB_MAIL_PASSWORD: 'nope-wrong' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^cb-mail: EAUTH: /);
    expect(r.stderr).not.toContain('nope-wrong');
  });

  it('prints the composed message with --dry-run and sends nothing', async () => {
    const before = server.connections;
    const r = await cli([
      'send',
      '--from',
      'a@example.com',
      '--to',
      'b@example.com',
      '--subject',
      'Dry',
      '--text',
      join(tmp.dir, 'body.txt'),
      '--dry-run',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Subject: Dry');
    expect(server.connections).toBe(before);
  });

  it('rejects missing and unknown arguments with usage and exit code 2', async () => {
    expect((await cli(['send', '--from', 'a@example.com'])).code).toBe(2);
    expect((await cli(['send', '--bogus'])).stderr).toContain("Unknown option '--bogus'");
    expect((await cli(['fly'])).code).toBe(2);
    expect((await cli(['--help'])).stdout).toContain('Usage:');
  });

  it('runs as a program (the bin entry) against the server', async () => {
    const tsx = createRequire(import.meta.url).resolve('tsx/cli');
    const main = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [tsx, main, 'verify', ...connection(), '--user', 'ada'],
      { env: { ...process.env, CB_MAIL_PASSWORD: pass } },
    );
    expect(stdout).toBe('Server accepted the connection\n');
  });
});
