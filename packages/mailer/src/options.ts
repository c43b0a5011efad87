import { ConfigError } from './errors.js';

/**
 * How the connection is protected.
 * - `'tls'`: implicit TLS from the first byte (Python's `SMTP_SSL`), standard port 465.
 * - `'starttls'`: plain connect, then a mandatory `STARTTLS` upgrade (Python's `starttls()`), standard port 587.
 * - `'none'`: no TLS at all, standard port 25; refuses to send credentials unless `allowInsecureAuth`.
 */
export type Security = 'tls' | 'starttls' | 'none';

/** Username and password, sent with AUTH PLAIN or LOGIN (whichever the server offers, PLAIN first). */
export interface PasswordAuth {
  user: string;
  pass: string;
  /** Force one mechanism instead of picking from what the server offers. */
  method?: 'PLAIN' | 'LOGIN';
}

/** XOAUTH2 with a ready access token, or with the client credentials to fetch and refresh one. */
export interface OAuth2Auth {
  type: 'oauth2';
  user: string;
  /** A current access token. */
  accessToken?: string;
  /** When `accessToken` expires, as a millisecond timestamp. */
  expires?: number;
  clientId?: string;
  clientSecret?: string;
  refreshToken?: string;
  /** Token endpoint used to refresh. @default Google's endpoint (nodemailer's default) */
  accessUrl?: string;
}

/** Keep connections open and reuse them across messages. */
export interface PoolOptions {
  /** Connections opened at most. @default 5 */
  maxConnections?: number;
  /** Messages sent over one connection before it is replaced. @default 100 */
  maxMessages?: number;
  /** Milliseconds an idle connection stays open. @default 240000 */
  idleTimeout?: number;
}

/** At most `messages` sends start in any window of `perMilliseconds`. */
export interface RateLimit {
  messages: number;
  /** @default 1000 */
  perMilliseconds?: number;
}

/** Timeouts in milliseconds. */
export interface Timeouts {
  /** Opening the TCP connection (DNS included). @default 120000 */
  connection?: number;
  /** Waiting for the server's greeting. @default 30000 */
  greeting?: number;
  /** Inactivity on an open connection. @default 600000 */
  socket?: number;
}

/** TLS settings, used by `'tls'` and `'starttls'`. */
export interface TlsOptions {
  /** Certificate authorities to trust instead of the system's, PEM. */
  ca?: string | Uint8Array | ReadonlyArray<string | Uint8Array>;
  /** Refuse a certificate that does not chain to a trusted CA or does not match the host. @default true */
  rejectUnauthorized?: boolean;
  /** Host name to check the certificate against (and send as SNI). @default host */
  servername?: string;
  /** Lowest protocol version accepted. @default 'TLSv1.2' */
  minVersion?: 'TLSv1.2' | 'TLSv1.3';
}

/** Log levels a `logger` receives. */
export type MailerLogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/** One log line. Credentials are removed before a record is made. */
export interface MailerLogRecord {
  level: MailerLogLevel;
  message: string;
  /** What the line is about: `'network'`, `'smtp'`, `'client'` (transcript, with `debug`), `'server'`, `'pool'` ... */
  event?: string;
  /** Connection id, when the line belongs to one connection. */
  connection?: string;
}

/** Receives the mailer's log lines. */
export type MailerLogger = (record: MailerLogRecord) => void;

/** Options every transport shares. */
interface CommonOptions {
  /** Receives log lines (connection events, and the SMTP transcript with `debug`). */
  logger?: MailerLogger;
}

/** Send over SMTP. */
export interface SmtpMailerOptions extends CommonOptions {
  /** @default 'smtp' */
  transport?: 'smtp';
  /** Server host name or IP. @default 'localhost' */
  host?: string;
  /** Server port. @default 465 for `'tls'`, 587 for `'starttls'`, 25 for `'none'` */
  port?: number;
  /**
   * How the connection is protected. Required unless `port` is 465 (`'tls'`) or 587 (`'starttls'`).
   * A known port with the other mode (e.g. `'tls'` on 587) is a `ConfigError` naming the right one.
   */
  security?: Security;
  /** Credentials. Omit for servers that accept mail without login. */
  auth?: PasswordAuth | OAuth2Auth;
  /** Let `security: 'none'` send credentials in clear text (local test servers only). @default false */
  allowInsecureAuth?: boolean;
  /** Reuse connections: `true` for the defaults, or the pool settings. @default false (one connection per message) */
  pool?: boolean | PoolOptions;
  /** Messages per second as a number, or a window. @default unlimited */
  rateLimit?: number | RateLimit;
  /** Connection timeouts. */
  timeouts?: Timeouts;
  /** TLS settings. */
  tls?: TlsOptions;
  /** The name this client gives in EHLO. @default the machine's host name */
  name?: string;
  /** Also log the SMTP transcript (with credentials masked) at level `debug`. @default false */
  debug?: boolean;
  /** Extra attempts after a transient failure (4xx reply, dropped or refused connection, timeout). @default 2 */
  retries?: number;
  /** Delay before the first retry in ms; doubles for each later one, capped at 30 s. @default 500 */
  retryDelay?: number;
}

/** Write each message as an `.eml` file into `directory` (created if missing). */
export interface FileMailerOptions extends CommonOptions {
  transport: 'file';
  directory: string;
}

/** Keep each message in memory and return its bytes in the send result (`message`). For tests. */
export interface StreamMailerOptions extends CommonOptions {
  transport: 'stream';
}

/** Options of `createMailer()`. */
export type MailerOptions = SmtpMailerOptions | FileMailerOptions | StreamMailerOptions;

/** @internal The normalized SMTP options. */
export interface NormalizedSmtpOptions {
  readonly transport: 'smtp';
  readonly host: string;
  readonly port: number;
  readonly security: Security;
  readonly auth: PasswordAuth | OAuth2Auth | undefined;
  readonly pool: Readonly<Required<PoolOptions>> | undefined;
  readonly rateLimit: Readonly<Required<RateLimit>> | undefined;
  readonly timeouts: Readonly<Required<Timeouts>>;
  readonly tls: TlsOptions;
  readonly name: string | undefined;
  readonly logger: MailerLogger | undefined;
  readonly debug: boolean;
  readonly retries: number;
  readonly retryDelay: number;
}

/** @internal */
export interface NormalizedFileOptions {
  readonly transport: 'file';
  readonly directory: string;
  readonly logger: MailerLogger | undefined;
}

/** @internal */
export interface NormalizedStreamOptions {
  readonly transport: 'stream';
  readonly logger: MailerLogger | undefined;
}

/** @internal */
export type NormalizedOptions = NormalizedSmtpOptions | NormalizedFileOptions | NormalizedStreamOptions;

const SMTP_KEYS = new Set([
  'transport',
  'host',
  'port',
  'security',
  'auth',
  'allowInsecureAuth',
  'pool',
  'rateLimit',
  'timeouts',
  'tls',
  'name',
  'logger',
  'debug',
  'retries',
  'retryDelay',
]);
const STANDARD_PORT: Record<Security, number> = { tls: 465, starttls: 587, none: 25 };
const SECURITY_OF_PORT = new Map<number, Security>([
  [465, 'tls'],
  [587, 'starttls'],
]);

function checkKeys(raw: object, known: Set<string>, what: string): void {
  for (const key of Object.keys(raw)) {
    if (!known.has(key)) throw new TypeError(`Unknown ${what} option \`${key}\``);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonNegativeInt(value: unknown, field: string, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new ConfigError(`\`${field}\` must be an integer >= ${min}, got ${String(value)}`, { field });
  }
  return value;
}

function describe(security: Security): string {
  return security === 'tls'
    ? "'tls' (implicit TLS, port 465)"
    : security === 'starttls'
      ? "'starttls' (STARTTLS upgrade, port 587)"
      : "'none' (no TLS)";
}

function normalizeAuth(raw: unknown): PasswordAuth | OAuth2Auth | undefined {
  if (raw === undefined) return undefined;
  if (!isPlainObject(raw)) throw new TypeError('`auth` must be an object');
  if (raw.type === 'oauth2') {
    checkKeys(
      raw,
      new Set([
        'type',
        'user',
        'accessToken',
        'expires',
        'clientId',
        'clientSecret',
        'refreshToken',
        'accessUrl',
      ]),
      'auth',
    );
    if (typeof raw.user !== 'string' || raw.user === '') {
      throw new ConfigError('`auth.user` must be a non-empty string', { field: 'auth.user' });
    }
    if (typeof raw.accessToken !== 'string' && typeof raw.refreshToken !== 'string') {
      throw new ConfigError('OAuth2 `auth` needs an `accessToken` or a `refreshToken`', { field: 'auth' });
    }
    return Object.freeze({ ...(raw as unknown as OAuth2Auth) });
  }
  if (raw.type !== undefined) {
    throw new ConfigError(`\`auth.type\` must be 'oauth2' or omitted, got ${JSON.stringify(raw.type)}`, {
      field: 'auth.type',
    });
  }
  checkKeys(raw, new Set(['user', 'pass', 'method']), 'auth');
  if (typeof raw.user !== 'string' || raw.user === '') {
    throw new ConfigError('`auth.user` must be a non-empty string', { field: 'auth.user' });
  }
  if (typeof raw.pass !== 'string') {
    throw new ConfigError('`auth.pass` must be a string', { field: 'auth.pass' });
  }
  if (raw.method !== undefined && raw.method !== 'PLAIN' && raw.method !== 'LOGIN') {
    throw new ConfigError(`\`auth.method\` must be 'PLAIN' or 'LOGIN'`, { field: 'auth.method' });
  }
  return Object.freeze({ ...(raw as unknown as PasswordAuth) });
}

function normalizeSmtp(raw: SmtpMailerOptions): NormalizedSmtpOptions {
  checkKeys(raw, SMTP_KEYS, 'mailer');
  const host = raw.host ?? 'localhost';
  if (typeof host !== 'string' || host === '' || /[\s/]/.test(host)) {
    throw new ConfigError(`\`host\` must be a host name or IP address, got ${JSON.stringify(host)}`, {
      field: 'host',
    });
  }
  if (raw.port !== undefined && (!Number.isInteger(raw.port) || raw.port < 1 || raw.port > 65535)) {
    throw new ConfigError(`\`port\` must be an integer from 1 to 65535, got ${String(raw.port)}`, {
      field: 'port',
    });
  }
  if (raw.security !== undefined && !['tls', 'starttls', 'none'].includes(raw.security)) {
    throw new ConfigError(
      `\`security\` must be 'tls', 'starttls' or 'none', got ${JSON.stringify(raw.security)}`,
      { field: 'security' },
    );
  }
  let security = raw.security;
  let port = raw.port;
  if (security === undefined) {
    if (port === undefined) {
      throw new ConfigError(
        "Give `security` ('tls' for port 465, 'starttls' for port 587, or 'none') or a standard `port`",
        { field: 'security' },
      );
    }
    security = SECURITY_OF_PORT.get(port);
    if (security === undefined) {
      throw new ConfigError(
        `Port ${port} is not a standard submission port: set \`security\` explicitly to 'tls', 'starttls' or 'none'`,
        { field: 'security' },
      );
    }
  }
  port ??= STANDARD_PORT[security];
  const expected = SECURITY_OF_PORT.get(port);
  if (expected !== undefined && expected !== security) {
    throw new ConfigError(
      `security ${describe(security)} does not fit port ${port}: port ${port} expects ${describe(expected)}. ` +
        `Use security: '${expected}', or port ${STANDARD_PORT[security]} for '${security}'`,
      { field: 'security' },
    );
  }
  const auth = normalizeAuth(raw.auth);
  if (raw.allowInsecureAuth !== undefined && typeof raw.allowInsecureAuth !== 'boolean') {
    throw new ConfigError('`allowInsecureAuth` must be a boolean', { field: 'allowInsecureAuth' });
  }
  if (security === 'none' && auth !== undefined && raw.allowInsecureAuth !== true) {
    throw new ConfigError(
      "security: 'none' would send the credentials in clear text: use 'starttls' or 'tls', " +
        'or set allowInsecureAuth: true for a local test server',
      { field: 'auth' },
    );
  }

  let pool: Required<PoolOptions> | undefined;
  if (raw.pool === true || isPlainObject(raw.pool)) {
    const p: PoolOptions = raw.pool === true ? {} : (raw.pool as PoolOptions);
    checkKeys(p, new Set(['maxConnections', 'maxMessages', 'idleTimeout']), 'pool');
    pool = Object.freeze({
      maxConnections: nonNegativeInt(p.maxConnections, 'pool.maxConnections', 5, 1),
      maxMessages: nonNegativeInt(p.maxMessages, 'pool.maxMessages', 100, 1),
      idleTimeout: nonNegativeInt(p.idleTimeout, 'pool.idleTimeout', 240_000),
    });
  } else if (raw.pool !== undefined && raw.pool !== false) {
    throw new TypeError('`pool` must be a boolean or an object');
  }

  let rateLimit: Required<RateLimit> | undefined;
  if (typeof raw.rateLimit === 'number') {
    rateLimit = { messages: nonNegativeInt(raw.rateLimit, 'rateLimit', 0, 1), perMilliseconds: 1000 };
  } else if (isPlainObject(raw.rateLimit)) {
    checkKeys(raw.rateLimit, new Set(['messages', 'perMilliseconds']), 'rateLimit');
    rateLimit = Object.freeze({
      messages: nonNegativeInt(raw.rateLimit.messages, 'rateLimit.messages', Number.NaN, 1),
      perMilliseconds: nonNegativeInt(raw.rateLimit.perMilliseconds, 'rateLimit.perMilliseconds', 1000, 1),
    });
  } else if (raw.rateLimit !== undefined) {
    throw new TypeError('`rateLimit` must be a number or an object');
  }

  const t = raw.timeouts ?? {};
  if (!isPlainObject(t)) throw new TypeError('`timeouts` must be an object');
  checkKeys(t, new Set(['connection', 'greeting', 'socket']), 'timeouts');
  const timeouts = Object.freeze({
    connection: nonNegativeInt(t.connection, 'timeouts.connection', 120_000, 1),
    greeting: nonNegativeInt(t.greeting, 'timeouts.greeting', 30_000, 1),
    socket: nonNegativeInt(t.socket, 'timeouts.socket', 600_000, 1),
  });

  const tls = raw.tls ?? {};
  if (!isPlainObject(tls)) throw new TypeError('`tls` must be an object');
  checkKeys(tls, new Set(['ca', 'rejectUnauthorized', 'servername', 'minVersion']), 'tls');
  if (tls.rejectUnauthorized !== undefined && typeof tls.rejectUnauthorized !== 'boolean') {
    throw new ConfigError('`tls.rejectUnauthorized` must be a boolean', { field: 'tls.rejectUnauthorized' });
  }
  if (
    raw.name !== undefined &&
    (typeof raw.name !== 'string' || /[\s\r\n]/.test(raw.name) || raw.name === '')
  ) {
    throw new ConfigError(`\`name\` must be a host name without spaces, got ${JSON.stringify(raw.name)}`, {
      field: 'name',
    });
  }
  if (raw.logger !== undefined && typeof raw.logger !== 'function') {
    throw new TypeError('`logger` must be a function receiving log records');
  }
  if (raw.retryDelay !== undefined && (typeof raw.retryDelay !== 'number' || !(raw.retryDelay >= 0))) {
    throw new ConfigError('`retryDelay` must be a number of milliseconds >= 0', { field: 'retryDelay' });
  }
  return Object.freeze({
    transport: 'smtp',
    host,
    port,
    security,
    auth,
    pool,
    rateLimit,
    timeouts,
    tls: Object.freeze({ ...tls }),
    name: raw.name,
    logger: raw.logger,
    debug: raw.debug === true,
    retries: nonNegativeInt(raw.retries, 'retries', 2),
    retryDelay: raw.retryDelay ?? 500,
  });
}

/** @internal Validates and freezes `createMailer()` options. */
export function normalizeOptions(raw: MailerOptions): NormalizedOptions {
  if (!isPlainObject(raw)) throw new TypeError('createMailer() takes an options object');
  if (raw.logger !== undefined && typeof raw.logger !== 'function') {
    throw new TypeError('`logger` must be a function receiving log records');
  }
  const transport = raw.transport ?? 'smtp';
  if (transport === 'file') {
    checkKeys(raw, new Set(['transport', 'directory', 'logger']), 'file mailer');
    const r = raw as unknown as FileMailerOptions;
    if (typeof r.directory !== 'string' || r.directory === '') {
      throw new ConfigError('The file transport needs a `directory`', { field: 'directory' });
    }
    return Object.freeze({ transport: 'file', directory: r.directory, logger: r.logger });
  }
  if (transport === 'stream') {
    checkKeys(raw, new Set(['transport', 'logger']), 'stream mailer');
    return Object.freeze({ transport: 'stream', logger: (raw as unknown as StreamMailerOptions).logger });
  }
  if (transport !== 'smtp') {
    throw new ConfigError(
      `\`transport\` must be 'smtp', 'file' or 'stream', got ${JSON.stringify(transport)}`,
      {
        field: 'transport',
      },
    );
  }
  return normalizeSmtp(raw as SmtpMailerOptions);
}
