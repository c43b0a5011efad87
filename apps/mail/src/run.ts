// Runs the programs against the embedded test servers (default) or a real server, and prints what happened.
import { fileURLToPath } from 'node:url';
import {
  createMailer,
  type Mailer,
  type Security,
  type SendResult,
  type SmtpMailerOptions,
} from '@cb/mailer';
import { createTestServer, type ReceivedMessage, type TestServer } from '@cb/mailer/testing';
import {
  type Parties,
  PROGRAMS,
  type ProgramName,
  sendHtml,
  sendHtmlWithAttachment,
  sendSimple,
  sendWithLogin,
} from './programs.js';

export const ATTACHMENT = fileURLToPath(new URL('../assets/attachment.txt', import.meta.url));

/** Where to send: a real server, or nothing (embedded test servers). */
export interface Target {
  host?: string;
  port?: number;
  security?: Security;
  ca?: string;
  user?: string;
  pass?: string;
}

type Write = (line: string) => void;

function describeReceived(m: ReceivedMessage, write: Write): void {
  const who = m.user ? `logged in as ${m.user} (AUTH ${m.authMethod})` : 'no login';
  write(`  server received (${m.secure ? 'TLS' : 'plain text'}, ${who}), ${m.size} bytes:`);
  write(`    envelope: ${m.envelope.from} -> ${m.envelope.to.join(', ')}`);
  write(`    From: ${m.headers.from ?? ''}`);
  write(`    To: ${m.headers.to ?? ''}`);
  write(`    Subject: ${m.subject ?? ''}`);
  write(`    Content-Type: ${m.headers['content-type'] ?? ''}`);
  if (m.text !== undefined) write(`    text: ${JSON.stringify(m.text.trim())}`);
  if (m.html !== undefined) write(`    html: ${m.html.trim().split('\n').length} lines`);
  for (const a of m.attachments) {
    write(
      `    attachment: ${a.filename} (${a.contentType}, ${a.size} bytes, sha256 ${a.sha256.slice(0, 16)}...)`,
    );
  }
}

function describeSent(r: SendResult, write: Write): void {
  write(`  sent ${r.messageId} to ${r.accepted.join(', ')}: ${r.response}`);
}

async function runOne(
  name: ProgramName,
  mailer: Mailer,
  parties: Parties,
  write: Write,
  server?: TestServer,
): Promise<void> {
  const before = server?.messages.length ?? 0;
  const result =
    name === 'simple'
      ? await sendSimple(mailer, parties)
      : name === 'ssl'
        ? await sendWithLogin(mailer, parties)
        : name === 'html'
          ? await sendHtml(mailer, parties)
          : await sendHtmlWithAttachment(mailer, parties, ATTACHMENT);
  describeSent(result, write);
  const received = server?.messages[before];
  if (received) describeReceived(received, write);
}

const TITLES: Record<ProgramName, string> = {
  simple: '1. simple: plain-text message, no login',
  ssl: '2. ssl: implicit TLS and login',
  html: '3. html: HTML with a text alternative',
  attachment: '4. attachment: HTML with attachment.txt',
};

/**
 * Runs `programs` in order. Without `target.host`, starts two embedded servers (plain for `simple`; implicit
 * TLS with a generated certificate and a login for the others), prints what they received and stops them.
 */
export async function runPrograms(
  programs: readonly ProgramName[],
  target: Target,
  parties: Parties,
  write: Write,
): Promise<ReceivedMessage[]> {
  if (target.host) {
    const options: SmtpMailerOptions = { host: target.host };
    if (target.port !== undefined) options.port = target.port;
    if (target.security !== undefined) options.security = target.security;
    if (target.ca) options.tls = { ca: target.ca };
    if (target.user) options.auth = { user: target.user, pass: target.pass ?? '' };
    const mailer = createMailer(options);
    try {
      for (const name of programs) {
        write(TITLES[name]);
        await runOne(name, mailer, parties, write);
      }
    } finally {
      await mailer.close();
    }
    return [];
  }

  const login = { user: 'cookbook', pass: 'demo-password' };
  const plain = await createTestServer({});
  const secure = await createTestServer({ tls: 'implicit', auth: login });
  write(
    `embedded servers: plain on ${plain.host}:${plain.port}, implicit TLS + login on ${secure.host}:${secure.port}`,
  );
  const plainMailer = createMailer({ host: plain.host, port: plain.port, security: 'none' });
  const secureMailer = createMailer({
    host: secure.host,
    port: secure.port,
    security: 'tls',
    tls: { ca: secure.ca },
    auth: login,
  });
  try {
    for (const name of programs) {
      write(TITLES[name]);
      if (name === 'simple') await runOne(name, plainMailer, parties, write, plain);
      else await runOne(name, secureMailer, parties, write, secure);
    }
    return [...plain.messages, ...secure.messages];
  } finally {
    await Promise.all([plainMailer.close(), secureMailer.close()]);
    await Promise.all([plain.close(), secure.close()]);
  }
}

export { PROGRAMS };
