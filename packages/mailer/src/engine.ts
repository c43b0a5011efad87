// The one place that talks to nodemailer. Everything it needs from nodemailer is described here by
// narrow local types, so nodemailer's own (or @types/nodemailer's) types never reach the public .d.ts.
import { format } from 'node:util';
import { createTransport } from 'nodemailer';
import type { PreparedMessage } from './message.js';
import type { MailerLogger, MailerLogLevel, NormalizedSmtpOptions } from './options.js';

/** @internal The mail fields nodemailer receives from us. */
export interface EngineMail {
  from: { name: string; address: string };
  to: { name: string; address: string }[];
  cc: { name: string; address: string }[];
  bcc: { name: string; address: string }[];
  replyTo?: { name: string; address: string }[];
  subject?: string;
  text?: string | Buffer;
  html?: string | Buffer;
  attachments: {
    filename?: string;
    path?: string;
    content?: string | Buffer | NodeJS.ReadableStream;
    contentType?: string;
    cid?: string;
  }[];
  headers: Record<string, string | string[]>;
  priority: 'high' | 'normal' | 'low';
  date?: Date;
  messageId?: string;
  inReplyTo?: string;
  references?: string[];
  disableUrlAccess: true;
  signal?: AbortSignal;
  envelope?: { from: string; to: string[] };
}

/** @internal What nodemailer reports back for one message. */
export interface EngineInfo {
  messageId: string;
  envelope: { from: string | false; to: string[] };
  accepted?: string[];
  rejected?: string[];
  rejectedErrors?: EngineError[];
  response?: string;
  message?: Buffer | NodeJS.ReadableStream;
}

/** @internal The fields nodemailer sets on its errors. */
export interface EngineError extends Error {
  code?: string;
  originalCode?: string;
  response?: string;
  responseCode?: number;
  command?: string;
  recipient?: string;
  rejected?: string[];
  rejectedErrors?: EngineError[];
  reason?: unknown;
}

/** @internal The part of a nodemailer transporter we use. */
export interface EngineTransport {
  sendMail(mail: EngineMail): Promise<EngineInfo>;
  verify(): Promise<true>;
  /** `force` also ends pooled connections that are delivering (their sends fail). */
  close(options?: { force?: boolean }): void;
}

type LogMethod = (data: unknown, message?: unknown, ...args: unknown[]) => void;
type BunyanLogger = Record<MailerLogLevel, LogMethod>;

/** @internal Removes every secret from a string (and base64 forms a transcript could carry). */
export function makeScrubber(secrets: readonly string[]): (text: string) => string {
  const forms = new Set<string>();
  for (const s of secrets) {
    if (s.length < 3) continue;
    forms.add(s);
    forms.add(Buffer.from(s).toString('base64'));
  }
  const list = [...forms].sort((a, b) => b.length - a.length);
  if (list.length === 0) return (text) => text;
  return (text) => {
    let out = text;
    for (const f of list) out = out.split(f).join('/* secret */');
    return out;
  };
}

/** @internal Adapts a `MailerLogger` to the bunyan-style object nodemailer calls. */
export function bunyanAdapter(logger: MailerLogger, scrub: (text: string) => string): BunyanLogger {
  const method =
    (level: MailerLogLevel): LogMethod =>
    (data, message, ...args) => {
      const meta = (typeof data === 'object' && data !== null ? data : {}) as {
        tnx?: unknown;
        cid?: unknown;
      };
      const text = typeof message === 'string' ? format(message, ...args) : format(data);
      const record: { level: MailerLogLevel; message: string; event?: string; connection?: string } = {
        level,
        message: scrub(text),
      };
      if (typeof meta.tnx === 'string') record.event = meta.tnx;
      if (typeof meta.cid === 'string') record.connection = meta.cid;
      logger(record);
    };
  return {
    trace: method('trace'),
    debug: method('debug'),
    info: method('info'),
    warn: method('warn'),
    error: method('error'),
    fatal: method('fatal'),
  };
}

function toBuffer(value: string | Uint8Array): string | Buffer {
  return typeof value === 'string' || Buffer.isBuffer(value)
    ? value
    : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

/** @internal Our prepared message in nodemailer's shape. Builds fresh on every attempt. */
export function toEngineMail(m: PreparedMessage, signal: AbortSignal | undefined): EngineMail {
  const mail: EngineMail = {
    from: m.from,
    to: m.to,
    cc: m.cc,
    bcc: m.bcc,
    attachments: m.attachments.map((a) => {
      const out: EngineMail['attachments'][number] = {};
      if (a.filename !== undefined) out.filename = a.filename;
      if (a.path !== undefined) out.path = a.path;
      if (a.content !== undefined) out.content = toBuffer(a.content);
      if (a.stream !== undefined) out.content = a.stream;
      if (a.contentType !== undefined) out.contentType = a.contentType;
      if (a.cid !== undefined) out.cid = a.cid;
      return out;
    }),
    headers: m.headers,
    priority: m.priority,
    disableUrlAccess: true,
  };
  if (m.replyTo.length) mail.replyTo = m.replyTo;
  if (m.subject !== undefined) mail.subject = m.subject;
  if (m.text !== undefined) mail.text = toBuffer(m.text);
  if (m.html !== undefined) mail.html = toBuffer(m.html);
  if (m.date !== undefined) mail.date = m.date;
  if (m.messageId !== undefined) mail.messageId = m.messageId;
  if (m.inReplyTo !== undefined) mail.inReplyTo = m.inReplyTo;
  if (m.references !== undefined) mail.references = m.references;
  if (signal !== undefined) mail.signal = signal;
  return mail;
}

/** @internal An SMTP transporter (pooled or not) for normalized options. */
export function createSmtpEngine(o: NormalizedSmtpOptions, logger: BunyanLogger | false): EngineTransport {
  const auth =
    o.auth === undefined
      ? undefined
      : 'type' in o.auth
        ? {
            type: 'OAuth2',
            user: o.auth.user,
            accessToken: o.auth.accessToken,
            expires: o.auth.expires,
            clientId: o.auth.clientId,
            clientSecret: o.auth.clientSecret,
            refreshToken: o.auth.refreshToken,
            accessUrl: o.auth.accessUrl,
          }
        : { user: o.auth.user, pass: o.auth.pass };
  const tls: Record<string, unknown> = {
    rejectUnauthorized: o.tls.rejectUnauthorized ?? true,
    minVersion: o.tls.minVersion ?? 'TLSv1.2',
  };
  if (o.tls.ca !== undefined) tls.ca = o.tls.ca;
  if (o.tls.servername !== undefined) tls.servername = o.tls.servername;
  const config: Record<string, unknown> = {
    host: o.host,
    port: o.port,
    secure: o.security === 'tls',
    requireTLS: o.security === 'starttls',
    ignoreTLS: o.security === 'none',
    tls,
    connectionTimeout: o.timeouts.connection,
    greetingTimeout: o.timeouts.greeting,
    socketTimeout: o.timeouts.socket,
    logger,
    debug: o.debug,
    disableUrlAccess: true,
  };
  if (auth !== undefined) config.auth = auth;
  if (o.auth !== undefined && !('type' in o.auth) && o.auth.method !== undefined)
    config.authMethod = o.auth.method;
  if (o.name !== undefined) config.name = o.name;
  if (o.pool !== undefined) {
    Object.assign(config, {
      pool: true,
      maxConnections: o.pool.maxConnections,
      maxMessages: o.pool.maxMessages,
      idleTimeout: o.pool.idleTimeout,
      // Our own retry loop (with backoff and the 4xx/5xx split) decides; the pool must not resend too.
      maxRequeues: 0,
    });
  }
  return createTransport(config as Parameters<typeof createTransport>[0]) as unknown as EngineTransport;
}

/** @internal A transporter that renders the message to bytes. */
export function createStreamEngine(buffer: boolean): EngineTransport {
  return createTransport({ streamTransport: true, buffer, newline: 'windows' }) as unknown as EngineTransport;
}
