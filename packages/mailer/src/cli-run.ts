import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { MailerError } from './errors.js';
import { compose, createMailer } from './mailer.js';
import type { Attachment, Message } from './message.js';
import type { Security, SmtpMailerOptions } from './options.js';

/** @internal Where the CLI reads and writes; real process streams in `cb-mail`, others in tests. */
export interface CliIo {
  env: Readonly<Record<string, string | undefined>>;
  stdin: Readable & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  stdout: Writable;
  stderr: Writable;
}

const USAGE = `Usage:
  cb-mail send --from ADDR --to ADDR [--to ADDR ...] --subject TEXT (--text FILE | --html FILE) [options]
  cb-mail verify [connection options]

Message:
  --from ADDR         sender (env CB_MAIL_FROM)
  --to, --cc, --bcc   recipients, repeatable; "Name <addr>" or addr
  --reply-to ADDR
  --subject TEXT
  --text FILE         plain-text body from FILE ("-" reads stdin)
  --html FILE         HTML body from FILE ("-" reads stdin)
  --attach FILE       attachment, repeatable
  --header "K: V"     extra header, repeatable

Connection (flags win over env):
  --host HOST         env CB_MAIL_HOST (default localhost)
  --port N            env CB_MAIL_PORT
  --security MODE     tls | starttls | none, env CB_MAIL_SECURITY
  --user USER         env CB_MAIL_USER; the password comes from env CB_MAIL_PASSWORD,
                      or is asked for on the terminal. It is never read from the command line.
  --ca FILE           PEM file of the CA to trust (env CB_MAIL_CA)
  --allow-insecure-auth  allow login with --security none (local test servers only)
  --dry-run           print the composed message (.eml) instead of sending it
  --json              print the result as JSON
  --debug             log the SMTP transcript (password masked) to stderr
  -h, --help
`;

class UsageError extends Error {}

async function readSource(path: string, stdin: Readable): Promise<Buffer> {
  if (path !== '-') return readFile(path);
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks);
}

/** Reads a line from a terminal without echoing it. */
function promptHidden(io: CliIo, question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const { stdin } = io;
    if (!stdin.isTTY || typeof stdin.setRawMode !== 'function') {
      reject(new UsageError('No password: set CB_MAIL_PASSWORD, or run on a terminal to be asked for it'));
      return;
    }
    io.stderr.write(question);
    let value = '';
    stdin.setRawMode(true);
    stdin.resume();
    const onData = (chunk: Buffer): void => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') {
          cleanup();
          io.stderr.write('\n');
          resolve(value);
          return;
        }
        if (ch === '\u0003') {
          cleanup();
          reject(new UsageError('Cancelled'));
          return;
        }
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    const cleanup = (): void => {
      stdin.off('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause();
    };
    stdin.on('data', onData);
  });
}

function list(value: string[] | undefined): string[] {
  return value ?? [];
}

/** @internal Runs `cb-mail` with `argv` (without node and script); resolves with the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    return await run(argv, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`cb-mail: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    if (err instanceof MailerError) {
      io.stderr.write(`cb-mail: ${err.code}: ${err.message}\n`);
      return 1;
    }
    if (err instanceof TypeError || (err as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`cb-mail: ${(err as Error).message}\n\n${USAGE}`);
      return 2;
    }
    io.stderr.write(`cb-mail: ${(err as Error).message}\n`);
    return 1;
  }
}

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help') {
    io.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command !== 'send' && command !== 'verify')
    throw new UsageError(`Unknown command ${JSON.stringify(command)}`);
  if (rest.some((a) => a === '--password' || a.startsWith('--password=') || a === '--pass')) {
    throw new UsageError(
      'Passwords are not taken from the command line: set CB_MAIL_PASSWORD or type it when asked',
    );
  }
  const { values } = parseArgs({
    args: [...rest],
    strict: true,
    allowPositionals: false,
    options: {
      from: { type: 'string' },
      to: { type: 'string', multiple: true },
      cc: { type: 'string', multiple: true },
      bcc: { type: 'string', multiple: true },
      'reply-to': { type: 'string' },
      subject: { type: 'string' },
      text: { type: 'string' },
      html: { type: 'string' },
      attach: { type: 'string', multiple: true },
      header: { type: 'string', multiple: true },
      host: { type: 'string' },
      port: { type: 'string' },
      security: { type: 'string' },
      user: { type: 'string' },
      ca: { type: 'string' },
      'allow-insecure-auth': { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      json: { type: 'boolean' },
      debug: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  const env = io.env;

  let message: Message | undefined;
  if (command === 'send') {
    const from = values.from ?? env.CB_MAIL_FROM;
    if (!from) throw new UsageError('--from (or CB_MAIL_FROM) is required');
    if (!values.to?.length && !values.cc?.length && !values.bcc?.length) {
      throw new UsageError('At least one --to, --cc or --bcc is required');
    }
    if (values.text === undefined && values.html === undefined)
      throw new UsageError('--text or --html is required');
    if (values.text === '-' && values.html === '-')
      throw new UsageError('Only one of --text and --html can read stdin');
    const headers: Record<string, string> = {};
    for (const h of list(values.header)) {
      const colon = h.indexOf(':');
      if (colon <= 0) throw new UsageError(`--header must look like "Name: value", got ${JSON.stringify(h)}`);
      headers[h.slice(0, colon).trim()] = h.slice(colon + 1).trim();
    }
    const attachments: Attachment[] = list(values.attach).map((path) => ({ path, filename: basename(path) }));
    message = { from, to: list(values.to), cc: list(values.cc), bcc: list(values.bcc), attachments, headers };
    if (values['reply-to']) message.replyTo = values['reply-to'];
    if (values.subject !== undefined) message.subject = values.subject;
    if (values.text !== undefined) message.text = (await readSource(values.text, io.stdin)).toString('utf8');
    if (values.html !== undefined) message.html = (await readSource(values.html, io.stdin)).toString('utf8');
    if (values['dry-run']) {
      io.stdout.write(await compose(message));
      return 0;
    }
  }

  const portText = values.port ?? env.CB_MAIL_PORT;
  const port = portText === undefined ? undefined : Number(portText);
  if (port !== undefined && !Number.isInteger(port))
    throw new UsageError(`--port must be a number, got ${portText}`);
  const security = (values.security ?? env.CB_MAIL_SECURITY) as Security | undefined;
  const user = values.user ?? env.CB_MAIL_USER;
  const caPath = values.ca ?? env.CB_MAIL_CA;
  const options: SmtpMailerOptions = { host: values.host ?? env.CB_MAIL_HOST ?? 'localhost' };
  if (port !== undefined) options.port = port;
  if (security !== undefined) options.security = security;
  if (caPath) options.tls = { ca: await readFile(caPath, 'utf8') };
  if (values['allow-insecure-auth']) options.allowInsecureAuth = true;
  if (values.debug) {
    options.debug = true;
    options.logger = (r) => io.stderr.write(`[${r.level}] ${r.message}\n`);
  }
  if (user) {
    const pass = env.CB_MAIL_PASSWORD ?? (await promptHidden(io, `Password for ${user}: `));
    options.auth = { user, pass };
  }
  const mailer = createMailer(options);
  try {
    if (command === 'verify') {
      await mailer.verify();
      io.stdout.write(values.json ? `${JSON.stringify({ ok: true })}\n` : 'Server accepted the connection\n');
      return 0;
    }
    const result = await mailer.send(message as Message);
    if (values.json) {
      io.stdout.write(`${JSON.stringify(result)}\n`);
    } else {
      io.stdout.write(`Sent ${result.messageId} to ${result.accepted.join(', ')}\n`);
      for (const r of result.rejections) io.stdout.write(`Rejected ${r.address}: ${r.response ?? ''}\n`);
    }
    return result.rejected.length ? 3 : 0;
  } finally {
    await mailer.close();
  }
}
