import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createTestServer } from '@cb/mailer/testing';
import { describe, expect, it } from 'vitest';
import { PROGRAMS } from '../src/programs.js';
import { ATTACHMENT, runPrograms } from '../src/run.js';

const run = promisify(execFile);
const tsx = createRequire(import.meta.url).resolve('tsx/cli');
const parties = { from: 'Sender <sender@example.com>', to: 'reader@example.com' };

describe('the four cookbook programs', () => {
  it('deliver to the embedded servers: plain for simple, TLS with login for the rest', async () => {
    const lines: string[] = [];
    const received = await runPrograms(PROGRAMS, {}, parties, (l) => lines.push(l));
    expect(received.map((m) => m.subject)).toEqual([
      'Simple message',
      'Sent over TLS after logging in',
      'An HTML message',
      'An HTML message with attachment.txt',
    ]);
    expect(received[0]).toMatchObject({ secure: false, user: undefined });
    for (const m of received.slice(1)) expect(m).toMatchObject({ secure: true, user: 'cookbook' });
    expect(received[2]?.headers['content-type']).toBe('multipart/alternative');
    expect(received[2]?.html).toContain('<h1>Hello from the mail chapter</h1>');
    const [attachment] = received[3]?.attachments ?? [];
    const expected = createHash('sha256')
      .update(await readFile(ATTACHMENT))
      .digest('hex');
    expect(attachment).toMatchObject({
      filename: 'attachment.txt',
      contentType: 'text/plain',
      sha256: expected,
    });
    expect(lines.join('\n')).toContain('attachment: attachment.txt (text/plain');
  });

  it('send to a given server with the login from the environment (npm start -- --host ...)', async () => {
    const server = await createTestServer({ tls: 'starttls', auth: { user: 'me', pass: 'env-secret' } });
    try {
      const { writeFile, mkdtemp, rm } = await import('node:fs/promises');
      const { tmpdir } = await import('node:os');
      const { join } = await import('node:path');
      const dir = await mkdtemp(join(tmpdir(), 'cb-mail-app-'));
      const ca = join(dir, 'ca.pem');
      await writeFile(ca, server.ca!);
      const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
      const { stdout } = await run(
        process.execPath,
        [
          tsx,
          main,
          'html',
          'attachment',
          '--host',
          server.host,
          '--port',
          String(server.port),
          '--security',
          'starttls',
          '--ca',
          ca,
        ],
        { env: { ...process.env, CB_MAIL_USER: 'me', CB_MAIL_PASSWORD: 'env-secret' } },
      );
      await rm(dir, { recursive: true, force: true });
      expect(stdout).toContain('3. html');
      expect(stdout).not.toContain('env-secret');
      expect(server.messages.map((m) => [m.subject, m.user, m.secure])).toEqual([
        ['An HTML message', 'me', true],
        ['An HTML message with attachment.txt', 'me', true],
      ]);
    } finally {
      await server.close();
    }
  });

  it('run as the demo target and exit cleanly', async () => {
    const demo = fileURLToPath(new URL('../src/demo.ts', import.meta.url));
    const { stdout } = await run(process.execPath, [tsx, demo]);
    expect(stdout).toContain('4 messages delivered to the embedded servers.');
  });
});
