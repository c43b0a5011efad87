// A real SMTP server on loopback for tests and demos: smtp-server speaks the protocol, mailparser reads
// what arrives. Attachments are hashed as they stream in, so a 100 MB message needs no 100 MB buffer.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo, Socket } from 'node:net';
import { PassThrough, type Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { MailParser } from 'mailparser';
import { generate } from 'selfsigned';
import { SMTPServer } from 'smtp-server';
import { SMTPConnection } from 'smtp-server/lib/smtp-connection';

/** PEM certificates for a test server: a fresh CA and a server certificate it signed. */
export interface TestCertificates {
  /** The CA certificate, PEM: pass it to the client as `tls.ca`. */
  ca: string;
  /** The server certificate, PEM (valid for `localhost` and `127.0.0.1`). */
  cert: string;
  /** The server's private key, PEM. */
  key: string;
}

/**
 * Generates a throwaway CA and a server certificate for `localhost` / `127.0.0.1` signed by it.
 *
 * @example
 * ```ts
 * const certs = await createTestCertificates();
 * const server = await createTestServer({ tls: { mode: 'implicit', ...certs } });
 * ```
 */
export async function createTestCertificates(commonName = 'localhost'): Promise<TestCertificates> {
  const ca = await generate([{ name: 'commonName', value: 'cb-mailer test CA' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const server = await generate([{ name: 'commonName', value: commonName }], {
    keyType: 'ec',
    algorithm: 'sha256',
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: commonName },
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  return { ca: ca.cert, cert: server.cert, key: server.private };
}

/** A login the test server accepts. */
export type TestServerUser = { user: string; pass: string } | { user: string; accessToken: string };

/** TLS of a test server: `'starttls'` (offers STARTTLS) or `'implicit'` (TLS from the first byte). */
export type TestServerTls =
  | 'starttls'
  | 'implicit'
  | { mode: 'starttls' | 'implicit'; cert: string; key: string; ca?: string };

/** Options of `createTestServer()`. */
export interface TestServerOptions {
  /** TLS mode; certificates are generated unless given. @default false (plain, no STARTTLS offered) */
  tls?: false | TestServerTls;
  /**
   * Require login with these credentials: a password (AUTH PLAIN and LOGIN), or an OAuth2 access token
   * (AUTH XOAUTH2). @default no auth
   */
  auth?: TestServerUser | readonly TestServerUser[];
  /** Port to listen on. @default 0 (ephemeral) */
  port?: number;
  /** Address to listen on. @default '127.0.0.1' */
  host?: string;
  /** Keep each message's raw bytes when it is at most this large. @default 16 MiB */
  keepRawBytes?: number;
  /** Keep an attachment's bytes when it is at most this large (its sha256 is always recorded). @default 16 MiB */
  keepAttachmentBytes?: number;
  /** Also write every message's raw bytes to `<rawDirectory>/<n>.eml` (streamed; the folder must exist). */
  rawDirectory?: string;
  /** Wait before the greeting, in ms; smtp-server's own is 100. @default 0 */
  greetingDelay?: number;
  /** Largest message accepted, in bytes. @default unlimited */
  maxSize?: number;
  /**
   * Parse each message with mailparser. With `false` only the envelope, size, sha256 and raw bytes are
   * recorded (the parsed fields are empty), which keeps the server out of the way in benchmarks. @default true
   */
  parse?: boolean;
}

/** An address as the server parsed it from a header. */
export interface ReceivedAddress {
  name: string;
  address: string;
}

/** An attachment as the server received it. */
export interface ReceivedAttachment {
  filename: string | undefined;
  contentType: string;
  contentDisposition: string | undefined;
  /** Content-ID without angle brackets. */
  cid: string | undefined;
  size: number;
  /** Hex sha256 of the decoded bytes. */
  sha256: string;
  /** The decoded bytes, unless larger than `keepAttachmentBytes`. */
  content: Buffer | undefined;
}

/** One message the server accepted. */
export interface ReceivedMessage {
  /** The SMTP envelope: `MAIL FROM` and every `RCPT TO`. */
  envelope: { from: string; to: string[] };
  /** The user that logged in, if any. */
  user: string | undefined;
  /** The AUTH mechanism used to log in (`'PLAIN'`, `'LOGIN'`), if any. */
  authMethod: string | undefined;
  /** Whether the session was encrypted. */
  secure: boolean;
  /** Size of the raw message in bytes. */
  size: number;
  /** Hex sha256 of the raw message. */
  sha256: string;
  /** The raw message, unless larger than `keepRawBytes`. */
  raw: Buffer | undefined;
  /** Where the raw message was written, when the server has a `rawDirectory`. */
  rawPath: string | undefined;
  /** Decoded subject. */
  subject: string | undefined;
  from: ReceivedAddress[];
  to: ReceivedAddress[];
  cc: ReceivedAddress[];
  replyTo: ReceivedAddress[];
  messageId: string | undefined;
  /** Header values as text, by lower-case name (first occurrence; decoded where mailparser decodes). */
  headers: Record<string, string>;
  text: string | undefined;
  html: string | undefined;
  attachments: ReceivedAttachment[];
}

/** SMTP stages a fault can hit. */
export type TestServerStage = 'connect' | 'auth' | 'mail' | 'rcpt' | 'data';

/** Narrows which commands a fault applies to, and how often. */
export interface FaultOptions {
  /** How many times the fault fires before it is used up. @default 1 */
  times?: number;
  /** For `'rcpt'`: only this recipient. */
  recipient?: string;
}

/** A running test server. */
export interface TestServer {
  readonly host: string;
  readonly port: number;
  /** `'none'`, `'starttls'` or `'tls'`: the `security` a client needs. */
  readonly security: 'none' | 'starttls' | 'tls';
  /** The CA certificate to trust (PEM) when TLS is on. */
  readonly ca: string | undefined;
  /** Every message accepted so far, in order. */
  readonly messages: readonly ReceivedMessage[];
  /** How many connections were opened so far. */
  readonly connections: number;
  /** Resolves once at least `count` messages arrived; rejects after `timeout` ms. */
  waitForMessages(count: number, timeout?: number): Promise<readonly ReceivedMessage[]>;
  /** Answer the next command at `stage` with an error reply, e.g. `reject('data', 451)`. */
  reject(stage: TestServerStage, code: number, message?: string, options?: FaultOptions): void;
  /** Close the connection at `stage` without a reply (`'data'`: after part of the message arrived). */
  drop(stage: TestServerStage, options?: FaultOptions): void;
  /** Hold the reply at `stage` for `ms` milliseconds. */
  delay(stage: TestServerStage, ms: number, options?: FaultOptions): void;
  /** Forget the received messages and pending faults. */
  reset(): void;
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
}

type Fault =
  | {
      kind: 'reject';
      stage: TestServerStage;
      code: number;
      message: string;
      left: number;
      recipient?: string;
    }
  | { kind: 'drop'; stage: TestServerStage; left: number; recipient?: string }
  | { kind: 'delay'; stage: TestServerStage; ms: number; left: number; recipient?: string };

interface SessionLike {
  id: string;
  remotePort: number;
  secure: boolean;
  user?: unknown;
  envelope: { mailFrom: { address: string } | false; rcptTo: { address: string }[] };
}

function addresses(value: unknown): ReceivedAddress[] {
  const out: ReceivedAddress[] = [];
  const objects = Array.isArray(value) ? value : value ? [value] : [];
  const walk = (list: { name?: string; address?: string; group?: unknown[] }[]): void => {
    for (const a of list) {
      if (Array.isArray(a.group)) walk(a.group as { name?: string; address?: string }[]);
      else out.push({ name: a.name ?? '', address: a.address ?? '' });
    }
  };
  for (const o of objects) walk((o as { value?: { name?: string; address?: string }[] }).value ?? []);
  return out;
}

function headerText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(headerText).join(', ');
  if (typeof value === 'object' && value !== null) {
    const v = value as { text?: unknown; value?: unknown };
    if (typeof v.text === 'string') return v.text;
    if (typeof v.value === 'string') return v.value;
  }
  return String(value);
}

/** Hashes (and keeps up to `limit` bytes of) a stream, copying it to `file` when given. */
async function digest(
  stream: Readable,
  limit: number,
  file?: string,
): Promise<{ size: number; sha256: string; bytes?: Buffer }> {
  const hash = createHash('sha256');
  const chunks: Buffer[] = [];
  const out = file === undefined ? undefined : createWriteStream(file, { flags: 'wx' });
  let size = 0;
  await pipeline(
    stream,
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        hash.update(chunk);
        size += chunk.length;
        if (size <= limit) chunks.push(chunk);
        if (out && !out.write(chunk)) out.once('drain', () => cb());
        else cb();
      },
      final(cb) {
        if (!out) return cb();
        out.end(() => cb());
      },
    }),
  );
  return size <= limit
    ? { size, sha256: hash.digest('hex'), bytes: Buffer.concat(chunks) }
    : { size, sha256: hash.digest('hex') };
}

/** The fields of a received message that come from the session and the raw bytes, parsed or not. */
function sessionAndBytes(
  session: SessionLike,
  authMethod: string | undefined,
  raw: { size: number; sha256: string; bytes?: Buffer },
  rawPath: string | undefined,
): Pick<
  ReceivedMessage,
  'envelope' | 'user' | 'authMethod' | 'secure' | 'size' | 'sha256' | 'raw' | 'rawPath'
> {
  const user = session.user;
  return {
    envelope: {
      from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
      to: session.envelope.rcptTo.map((t) => t.address),
    },
    user: typeof user === 'string' ? user : undefined,
    authMethod,
    secure: session.secure,
    size: raw.size,
    sha256: raw.sha256,
    raw: raw.bytes,
    rawPath,
  };
}

async function parse(
  stream: Readable,
  session: SessionLike,
  authMethod: string | undefined,
  keepRaw: number,
  keepAttachment: number,
  rawPath: string | undefined,
): Promise<ReceivedMessage> {
  const rawTee = new PassThrough();
  const parserTee = new PassThrough();
  const parser = new MailParser({ skipTextToHtml: true, skipImageLinks: true });
  const attachments: Promise<ReceivedAttachment>[] = [];
  let headers = new Map<string, unknown>();
  let text: string | undefined;
  let html: string | undefined;
  parser.on('headers', (h: Map<string, unknown>) => {
    headers = h;
  });
  parser.on('data', (data: { type: string; [key: string]: unknown }) => {
    if (data.type === 'text') {
      if (typeof data.text === 'string') text = data.text;
      if (typeof data.html === 'string') html = data.html;
      return;
    }
    const a = data as unknown as {
      content: Readable;
      release: (() => void) | null;
      filename?: string;
      contentType: string;
      contentDisposition?: string;
      cid?: string;
    };
    attachments.push(
      digest(a.content, keepAttachment).then((d) => {
        a.release?.();
        return {
          filename: a.filename,
          contentType: a.contentType,
          contentDisposition: a.contentDisposition,
          cid: a.cid,
          size: d.size,
          sha256: d.sha256,
          content: d.bytes,
        };
      }),
    );
  });
  const parsed = new Promise<void>((resolve, reject) => {
    parser.once('end', () => resolve());
    parser.once('error', reject);
  });
  const raw = digest(rawTee, keepRaw, rawPath);
  stream.on('data', (chunk: Buffer) => {
    rawTee.write(chunk);
    if (!parserTee.write(chunk)) {
      stream.pause();
      parserTee.once('drain', () => stream.resume());
    }
  });
  stream.once('end', () => {
    rawTee.end();
    parserTee.end();
  });
  parserTee.pipe(parser);
  const [r] = await Promise.all([raw, parsed]);
  const received = await Promise.all(attachments);
  const headerRecord: Record<string, string> = {};
  for (const [k, v] of headers) headerRecord[k] = headerText(v);
  return {
    ...sessionAndBytes(session, authMethod, r, rawPath),
    subject: typeof headers.get('subject') === 'string' ? (headers.get('subject') as string) : undefined,
    from: addresses(headers.get('from')),
    to: addresses(headers.get('to')),
    cc: addresses(headers.get('cc')),
    replyTo: addresses(headers.get('reply-to')),
    messageId:
      typeof headers.get('message-id') === 'string' ? (headers.get('message-id') as string) : undefined,
    headers: headerRecord,
    text,
    html,
    attachments: received,
  };
}

/** Records a message without parsing it. */
async function record(
  stream: Readable,
  session: SessionLike,
  authMethod: string | undefined,
  keepRaw: number,
  rawPath: string | undefined,
): Promise<ReceivedMessage> {
  return {
    ...sessionAndBytes(session, authMethod, await digest(stream, keepRaw, rawPath), rawPath),
    subject: undefined,
    from: [],
    to: [],
    cc: [],
    replyTo: [],
    messageId: undefined,
    headers: {},
    text: undefined,
    html: undefined,
    attachments: [],
  };
}

const TEST_SERVER_KEYS = new Set([
  'tls',
  'auth',
  'port',
  'host',
  'keepRawBytes',
  'keepAttachmentBytes',
  'greetingDelay',
  'maxSize',
  'parse',
  'rawDirectory',
]);

/**
 * Starts a real SMTP server on loopback that records what it receives, and can be told to reject, delay or
 * drop. Close it with `close()`.
 *
 * @example
 * ```ts
 * const server = await createTestServer({ tls: 'starttls', auth: { user: 'u', pass: 'p' } });
 * const mailer = createMailer({ host: server.host, port: server.port, security: server.security,
 *   tls: { ca: server.ca }, auth: { user: 'u', pass: 'p' } });
 * await mailer.send({ from: 'a@example.com', to: 'b@example.com', subject: 'Hi', text: 'Hello' });
 * console.log(server.messages[0]?.subject); // "Hi"
 * await mailer.close();
 * await server.close();
 * ```
 */
export async function createTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  for (const key of Object.keys(options)) {
    if (!TEST_SERVER_KEYS.has(key)) throw new TypeError(`Unknown test server option \`${key}\``);
  }
  const host = options.host ?? '127.0.0.1';
  const keepRaw = options.keepRawBytes ?? 16 * 1024 * 1024;
  const keepAttachment = options.keepAttachmentBytes ?? 16 * 1024 * 1024;
  const greetingDelay = options.greetingDelay ?? 0;
  const shouldParse = options.parse ?? true;
  const users: readonly TestServerUser[] =
    options.auth === undefined
      ? []
      : Array.isArray(options.auth)
        ? (options.auth as readonly TestServerUser[])
        : [options.auth as TestServerUser];
  let tlsMode: 'none' | 'starttls' | 'implicit' = 'none';
  let certs: TestCertificates | undefined;
  if (options.tls) {
    if (typeof options.tls === 'string') {
      tlsMode = options.tls;
      certs = await createTestCertificates();
    } else {
      tlsMode = options.tls.mode;
      certs = { cert: options.tls.cert, key: options.tls.key, ca: options.tls.ca ?? options.tls.cert };
    }
  }

  const messages: ReceivedMessage[] = [];
  const waiters = new Set<() => void>();
  let faults: Fault[] = [];
  let connections = 0;
  let rawFiles = 0;
  const sockets = new Map<number, Socket>();
  const authMethods = new Map<string, string>();

  const take = (stage: TestServerStage, recipient?: string): Fault | undefined => {
    const i = faults.findIndex(
      (f) =>
        f.stage === stage &&
        (f.recipient === undefined || f.recipient.toLowerCase() === recipient?.toLowerCase()),
    );
    if (i < 0) return undefined;
    const f = faults[i]!;
    f.left--;
    if (f.left <= 0) faults.splice(i, 1);
    return f;
  };
  const dropSocket = (session: { remotePort: number }): void => {
    sockets.get(session.remotePort)?.destroy();
  };
  /** Applies a fault; calls `next` with the outcome. */
  const apply = (
    stage: TestServerStage,
    session: { remotePort: number },
    next: (err?: Error | null) => void,
    recipient?: string,
  ): boolean => {
    const f = take(stage, recipient);
    if (!f) return false;
    if (f.kind === 'reject') {
      const err = Object.assign(new Error(f.message), { responseCode: f.code });
      next(err);
    } else if (f.kind === 'drop') {
      dropSocket(session);
    } else {
      setTimeout(() => next(), f.ms).unref();
    }
    return true;
  };

  const server = new SMTPServer({
    secure: tlsMode === 'implicit',
    ...(certs ? { key: certs.key, cert: certs.cert } : {}),
    hideSTARTTLS: tlsMode !== 'starttls',
    disabledCommands: tlsMode === 'starttls' ? [] : ['STARTTLS'],
    authOptional: users.length === 0,
    authMethods: users.some((u) => 'accessToken' in u) ? ['PLAIN', 'LOGIN', 'XOAUTH2'] : ['PLAIN', 'LOGIN'],
    allowInsecureAuth: tlsMode === 'none',
    disableReverseLookup: true,
    logger: false,
    banner: 'cb-mailer test server',
    closeTimeout: 1000,
    ...(options.maxSize !== undefined ? { size: options.maxSize } : {}),
    onConnect(session, callback) {
      if (!apply('connect', session, callback)) callback();
    },
    onAuth(auth, session, callback) {
      const ok = users.some((u) =>
        'accessToken' in u
          ? auth.method === 'XOAUTH2' && u.user === auth.username && u.accessToken === auth.accessToken
          : auth.method !== 'XOAUTH2' && u.user === auth.username && u.pass === auth.password,
      );
      const done = (err?: Error | null): void => {
        if (err) {
          callback(err);
        } else if (!ok && auth.method === 'XOAUTH2') {
          // RFC 7628 failure: a base64 JSON status, then the client ends the exchange.
          callback(null, { data: { status: '401', schemes: 'bearer', scope: 'https://mail.example.com/' } });
        } else if (!ok) {
          callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
        } else {
          authMethods.set(session.id, auth.method);
          callback(null, { user: auth.username });
        }
      };
      if (!apply('auth', session, done)) done();
    },
    onMailFrom(_address, session, callback) {
      if (!apply('mail', session, callback)) callback();
    },
    onRcptTo(address, session, callback) {
      if (!apply('rcpt', session, callback, address.address)) callback();
    },
    onClose(session) {
      authMethods.delete(session.id);
    },
    onData(stream, session, callback) {
      const fault = take('data');
      if (fault?.kind === 'drop') {
        // Let part of the message arrive, then cut the connection mid-DATA.
        stream.once('data', () => dropSocket(session));
        stream.resume();
        return;
      }
      const rawPath =
        options.rawDirectory === undefined ? undefined : join(options.rawDirectory, `${++rawFiles}.eml`);
      const reading = shouldParse
        ? parse(
            stream,
            session as unknown as SessionLike,
            authMethods.get(session.id),
            keepRaw,
            keepAttachment,
            rawPath,
          )
        : record(stream, session as unknown as SessionLike, authMethods.get(session.id), keepRaw, rawPath);
      reading.then(
        (message) => {
          if (stream.sizeExceeded) {
            callback(Object.assign(new Error('Message too large'), { responseCode: 552 }));
            return;
          }
          const finish = (): void => {
            if (fault?.kind === 'reject') {
              callback(Object.assign(new Error(fault.message), { responseCode: fault.code }));
              return;
            }
            messages.push(message);
            for (const w of waiters) w();
            callback(null, `Queued as ${messages.length}`);
          };
          if (fault?.kind === 'delay') setTimeout(finish, fault.ms).unref();
          else finish();
        },
        (err: Error) => callback(err),
      );
    },
  });
  server.on('error', () => {
    // Client-side resets surface here; the client reports its own error.
  });

  // smtp-server waits 100 ms before greeting every connection (to catch clients that talk too soon).
  // That caps one-connection-per-message benchmarks at 10/s, so the wait is configurable here.
  const internal = server as unknown as {
    connect: (socket: Socket, socketOptions: unknown) => void;
    connections: Set<unknown>;
    _onError: (err: Error) => void;
    _onClientConnect: (data: unknown) => void;
  };
  const proto = SMTPConnection.prototype as unknown as Record<string, unknown>;
  if (
    greetingDelay !== 100 &&
    typeof proto._setListeners === 'function' &&
    typeof proto.connectionReady === 'function'
  ) {
    internal.connect = (socket, socketOptions) => {
      const Ctor = SMTPConnection as unknown as new (
        server: unknown,
        socket: Socket,
        options: unknown,
      ) => {
        on(event: string, fn: (arg: never) => void): void;
        _setListeners(cb: () => void): void;
        connectionReady(): void;
      };
      const connection = new Ctor(server, socket, socketOptions);
      internal.connections.add(connection);
      connection.on('error', (err: Error) => internal._onError(err));
      connection.on('connect', (data: unknown) => internal._onClientConnect(data as never));
      connection._setListeners(() => {
        if (greetingDelay > 0) setTimeout(() => connection.connectionReady(), greetingDelay).unref();
        else connection.connectionReady();
      });
    };
  }

  const net = (server as unknown as { server: import('node:net').Server }).server;
  net.on('connection', (socket: Socket) => {
    connections++;
    const port = socket.remotePort;
    if (port === undefined) return;
    sockets.set(port, socket);
    socket.once('close', () => sockets.delete(port));
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    net.once('error', onError);
    server.listen(options.port ?? 0, host, () => {
      net.off('error', onError);
      resolve();
    });
  });
  const port = (net.address() as AddressInfo).port;
  let closed: Promise<void> | undefined;

  return {
    host,
    port,
    security: tlsMode === 'implicit' ? 'tls' : tlsMode,
    ca: certs?.ca,
    messages,
    get connections() {
      return connections;
    },
    waitForMessages(count, timeout = 10_000) {
      return new Promise((resolve, reject) => {
        if (messages.length >= count) return resolve(messages);
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`Timed out waiting for ${count} messages (got ${messages.length})`));
        }, timeout);
        const check = (): void => {
          if (messages.length >= count) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve(messages);
          }
        };
        waiters.add(check);
      });
    },
    reject(stage, code, message = code >= 500 ? 'Rejected by test server' : 'Try again later', opts = {}) {
      faults.push({ kind: 'reject', stage, code, message, left: opts.times ?? 1, recipient: opts.recipient });
    },
    drop(stage, opts = {}) {
      faults.push({ kind: 'drop', stage, left: opts.times ?? 1, recipient: opts.recipient });
    },
    delay(stage, ms, opts = {}) {
      faults.push({ kind: 'delay', stage, ms, left: opts.times ?? 1, recipient: opts.recipient });
    },
    reset() {
      messages.length = 0;
      faults = [];
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        for (const s of sockets.values()) s.destroy();
        server.close(() => resolve());
      });
      return closed;
    },
  };
}
