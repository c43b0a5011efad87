import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { request as httpRequest, Agent as HttpAgent } from 'node:http';
import { request as httpsRequest, Agent as HttpsAgent } from 'node:https';
import { isIP } from 'node:net';
import { hostname as osHostname } from 'node:os';
import { basename } from 'node:path';
import { type ConnectionPolicy, StreamConnection, type StreamTarget } from './connection.js';
import { invalidOption, LogError } from './errors.js';
import { Handler, type HandlerOptions } from './handler.js';
import { CRITICAL, DEBUG, ERROR, INFO, WARNING } from './levels.js';
import { formatError, type LogRecord } from './record.js';

/** A record as the network handlers send it: plain attributes, message merged, error rendered. */
export function mapLogRecord(handler: Handler, record: LogRecord): Record<string, unknown> {
  if (handler.formatter) handler.format(record);
  else record.message = record.getMessage();
  if (record.excInfo && !record.excText) record.excText = formatError(record.excInfo);
  return record.toJSON();
}

/** A record's attributes as UTF-8 JSON; a bigint (in `extra`, say) is written as its digits. */
function recordJson(attrs: Record<string, unknown>): Buffer {
  return Buffer.from(
    JSON.stringify(attrs, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)),
    'utf8',
  );
}

/** A record as one frame: a 4-byte big-endian length, then the record as UTF-8 JSON. */
export function makeFrame(attrs: Record<string, unknown>): Buffer {
  const body = recordJson(attrs);
  const frame = Buffer.allocUnsafe(4 + body.length);
  frame.writeUInt32BE(body.length, 0);
  body.copy(frame, 4);
  return frame;
}

/** Options of {@link SocketHandler}. */
export interface SocketHandlerOptions extends HandlerOptions {
  /** First reconnection delay, ms. @default 1000 */
  retryStart?: number;
  /** Longest reconnection delay, ms. @default 30000 */
  retryMax?: number;
  /** Delay growth per failure. @default 2 */
  retryFactor?: number;
  /** Records kept while disconnected (oldest dropped and reported beyond). @default 10000 */
  maxQueue?: number;
}

const SOCKET_KEYS = ['retryStart', 'retryMax', 'retryFactor', 'maxQueue'];

function numberAtLeast(
  o: Record<string, unknown>,
  key: string,
  fallback: number,
  min: number,
  finite = true,
): number {
  const v = o[key] ?? fallback;
  if (typeof v !== 'number' || Number.isNaN(v) || v < min || (finite && !Number.isFinite(v)))
    throw invalidOption(key, v, `a ${finite ? 'finite ' : ''}number >= ${min}`);
  return v;
}

function policyOf(o: SocketHandlerOptions): ConnectionPolicy {
  const raw = o as Record<string, unknown>;
  const retryStart = numberAtLeast(raw, 'retryStart', 1000, 0);
  const retryMax = numberAtLeast(raw, 'retryMax', 30_000, 0);
  if (retryMax < retryStart) throw invalidOption('retryMax', retryMax, `>= retryStart (${retryStart})`);
  const maxQueue = numberAtLeast(raw, 'maxQueue', 10_000, 0, false);
  if (!Number.isInteger(maxQueue) && maxQueue !== Number.POSITIVE_INFINITY)
    throw invalidOption('maxQueue', maxQueue, 'an integer >= 0 or Infinity');
  return { retryStart, retryMax, retryFactor: numberAtLeast(raw, 'retryFactor', 2, 1), maxQueue };
}

function checkPort(port: unknown): number {
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw invalidOption('port', port, 'an integer 0-65535');
  }
  return port;
}

/** Where a handler's bytes go: a {@link StreamConnection} or a {@link DatagramHandler}. */
interface Transport {
  send(data: Buffer): void;
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** A handler that sends through one transport: flushing and closing are the transport's. */
abstract class TransportHandler extends Handler {
  /** @internal */
  protected abstract readonly transport: Transport;

  override flush(): Promise<void> {
    // transport is missing only when the constructor threw after registering the handler
    return this.transport?.flush() ?? Promise.resolve();
  }

  override async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.transport?.close();
    } finally {
      await super.close();
    }
  }
}

/**
 * Sends each record over TCP as a length-prefixed JSON frame (Python's SocketHandler, with JSON in
 * place of pickle). Connects lazily, reconnects with back-off, and keeps records while disconnected.
 */
export class SocketHandler extends TransportHandler {
  readonly host: string;
  readonly port: number;
  protected readonly transport: StreamConnection;

  constructor(host: string, port: number, options: SocketHandlerOptions = {}) {
    super(options, SOCKET_KEYS);
    this.host = host;
    this.port = checkPort(port);
    this.transport = new StreamConnection({ host, port }, policyOf(options), (err) =>
      this.handleError(null, err),
    );
  }

  /** The bytes sent for one record. */
  makeFrame(record: LogRecord): Buffer {
    return makeFrame(mapLogRecord(this, record));
  }

  emit(record: LogRecord): void {
    this.transport.send(this.makeFrame(record));
  }
}

/** Sends each record as one UDP datagram with the same frame as {@link SocketHandler}. */
export class DatagramHandler extends Handler {
  readonly host: string;
  readonly port: number;
  private socket: UdpSocket | null = null;
  private pending = 0;
  private idle: Array<() => void> = [];

  constructor(host: string, port: number, options: HandlerOptions = {}) {
    super(options);
    this.host = host;
    this.port = checkPort(port);
  }

  private sock(): UdpSocket {
    if (this.socket === null) {
      const s = createSocket(isIP(this.host) === 6 ? 'udp6' : 'udp4');
      s.unref();
      s.on('error', (err) => this.handleError(null, err));
      this.socket = s;
    }
    return this.socket;
  }

  /** Sends raw bytes (used by SysLogHandler too). */
  send(data: Buffer): void {
    this.pending++;
    this.sock().send(data, this.port, this.host, (err) => {
      this.pending--;
      if (err) this.handleError(null, err);
      if (this.pending === 0) for (const w of this.idle.splice(0)) w();
    });
  }

  emit(record: LogRecord): void {
    this.send(makeFrame(mapLogRecord(this, record)));
  }

  override flush(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  override async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    const s = this.socket;
    this.socket = null;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
    await super.close();
  }
}

/** Syslog facilities by name (RFC 5424 numbers). */
export const FACILITIES: Readonly<Record<string, number>> = Object.freeze({
  kern: 0,
  user: 1,
  mail: 2,
  daemon: 3,
  auth: 4,
  syslog: 5,
  lpr: 6,
  news: 7,
  uucp: 8,
  cron: 9,
  authpriv: 10,
  ftp: 11,
  local0: 16,
  local1: 17,
  local2: 18,
  local3: 19,
  local4: 20,
  local5: 21,
  local6: 22,
  local7: 23,
});

/** Options of {@link SysLogHandler}. */
export interface SysLogHandlerOptions extends SocketHandlerOptions {
  /** Where to send: `{ host, port }` or a unix stream socket path. @default { host: 'localhost', port: 514 } */
  address?: { host: string; port?: number } | string;
  /** Transport. @default 'udp' ('unix' when `address` is a path) */
  protocol?: 'udp' | 'tcp' | 'unix';
  /** Facility name or number. @default 'user' */
  facility?: keyof typeof FACILITIES | number;
  /** Message format. @default '5424' */
  rfc?: '5424' | '3164';
  /** APP-NAME / TAG. @default the script's base name */
  appName?: string;
  /** HOSTNAME field. @default os.hostname() */
  hostname?: string;
  /** Stream framing for tcp/unix: RFC 6587 octet counting, or a trailing LF. @default 'octet-counting' */
  framing?: 'octet-counting' | 'lf';
}

const SYSLOG_KEYS = [
  ...SOCKET_KEYS,
  'address',
  'protocol',
  'facility',
  'rfc',
  'appName',
  'hostname',
  'framing',
];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Syslog severity of a level: DEBUG 7, INFO 6, WARNING 4, ERROR 3, CRITICAL 2 (custom levels round down). */
export function syslogSeverity(levelno: number): number {
  if (levelno >= CRITICAL) return 2;
  if (levelno >= ERROR) return 3;
  if (levelno >= WARNING) return 4;
  if (levelno >= INFO) return 6;
  if (levelno >= DEBUG) return 7;
  return 7;
}

function sdSafe(s: string, max: number): string {
  const clean = s.replace(/[^\x21-\x7e]/g, '_').slice(0, max);
  return clean === '' ? '-' : clean;
}

/**
 * Sends records to a syslog daemon as RFC 5424 (default) or RFC 3164 messages, over UDP, TCP or a
 * unix stream socket. (Node cannot send to unix datagram sockets such as Linux's /dev/log; point it
 * at a daemon's UDP/TCP port or a stream socket.)
 */
export class SysLogHandler extends TransportHandler {
  readonly facility: number;
  readonly rfc: '5424' | '3164';
  readonly protocol: 'udp' | 'tcp' | 'unix';
  readonly appName: string;
  readonly hostname: string;
  private readonly framing: 'octet-counting' | 'lf';
  protected readonly transport: Transport;

  constructor(options: SysLogHandlerOptions = {}) {
    super(options, SYSLOG_KEYS);
    const address = options.address ?? { host: 'localhost', port: 514 };
    this.protocol = options.protocol ?? (typeof address === 'string' ? 'unix' : 'udp');
    const f = options.facility ?? 'user';
    const facility = typeof f === 'number' ? f : FACILITIES[f];
    if (facility === undefined || !Number.isInteger(facility) || facility < 0 || facility > 23) {
      throw new LogError('LOG_INVALID_OPTION', `Unknown syslog facility ${JSON.stringify(f)}`, {
        context: { key: 'facility', value: f },
      });
    }
    this.facility = facility;
    this.rfc = options.rfc ?? '5424';
    if (this.rfc !== '5424' && this.rfc !== '3164') {
      throw new LogError(
        'LOG_INVALID_OPTION',
        `rfc must be '5424' or '3164', got ${JSON.stringify(this.rfc)}`,
        { context: { key: 'rfc', value: this.rfc } },
      );
    }
    this.appName =
      options.appName ?? (basename(process.argv[1] ?? 'node').replace(/\.[cm]?[jt]s$/, '') || 'node');
    this.hostname = options.hostname ?? osHostname();
    this.framing = options.framing ?? 'octet-counting';
    const onError = (err: unknown): void => this.handleError(null, err);
    if (this.protocol === 'udp') {
      if (typeof address === 'string')
        throw new LogError('LOG_INVALID_OPTION', 'UDP syslog needs { host, port }', {
          context: { key: 'address' },
        });
      const udp = new DatagramHandler(address.host, address.port ?? 514);
      udp.handleError = (_r, err) => onError(err);
      this.transport = udp;
    } else {
      const target: StreamTarget =
        typeof address === 'string'
          ? { path: address }
          : { host: address.host, port: checkPort(address.port ?? 514) };
      this.transport = new StreamConnection(target, policyOf(options), onError);
    }
  }

  /** The syslog message (without transport framing) for a record. */
  formatSyslog(record: LogRecord): string {
    const pri = this.facility * 8 + syslogSeverity(record.levelno);
    const msg = this.format(record);
    const ms = record.created * 1000;
    if (this.rfc === '5424') {
      const ts = new Date(ms).toISOString();
      return `<${pri}>1 ${ts} ${sdSafe(this.hostname, 255)} ${sdSafe(this.appName, 48)} ${record.process} ${sdSafe(record.name, 32)} - ${msg}`;
    }
    const d = new Date(ms);
    const p2 = (n: number): string => String(n).padStart(2, '0');
    const stamp = `${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}`;
    return `<${pri}>${stamp} ${this.hostname.split('.')[0]} ${this.appName}[${record.process}]: ${msg}`;
  }

  emit(record: LogRecord): void {
    const body = Buffer.from(this.formatSyslog(record), 'utf8');
    if (this.protocol === 'udp') {
      this.transport.send(body);
      return;
    }
    const frame =
      this.framing === 'lf'
        ? Buffer.concat([body, Buffer.from('\n')])
        : Buffer.concat([Buffer.from(`${body.length} `), body]);
    this.transport.send(frame);
  }
}

/** Options of {@link HTTPHandler}. */
export interface HTTPHandlerOptions extends HandlerOptions {
  /** HTTP method. @default 'POST' */
  method?: 'POST' | 'PUT';
  /** Extra request headers (e.g. Authorization). @default {} */
  headers?: Readonly<Record<string, string>>;
  /** Per-request timeout, ms. @default 10000 */
  timeout?: number;
}

/**
 * POSTs each record as JSON (the record's attributes, message merged) to a URL. Requests run
 * concurrently; `flush()` waits for all; a failed request or a non-2xx answer goes to `handleError`.
 */
export class HTTPHandler extends Handler {
  readonly url: URL;
  readonly method: 'POST' | 'PUT';
  private readonly headers: Readonly<Record<string, string>>;
  private readonly timeout: number;
  private readonly agent: HttpAgent;
  private readonly inflight = new Set<Promise<void>>();

  constructor(url: string | URL, options: HTTPHandlerOptions = {}) {
    super(options, ['method', 'headers', 'timeout']);
    try {
      this.url = new URL(url);
    } catch (cause) {
      throw new LogError('LOG_INVALID_OPTION', `Invalid URL ${JSON.stringify(String(url))}`, {
        cause,
        context: { key: 'url', value: url },
      });
    }
    if (this.url.protocol !== 'http:' && this.url.protocol !== 'https:') {
      throw new LogError(
        'LOG_INVALID_OPTION',
        `HTTPHandler needs an http: or https: URL, got ${this.url.protocol}`,
        { context: { key: 'url', value: String(url) } },
      );
    }
    const method = options.method ?? 'POST';
    if (method !== 'POST' && method !== 'PUT') throw invalidOption('method', method, "'POST' or 'PUT'");
    this.method = method;
    const headers = options.headers ?? {};
    if (
      typeof headers !== 'object' ||
      headers === null ||
      Object.values(headers).some((v) => typeof v !== 'string')
    ) {
      throw invalidOption('headers', headers, 'an object of string values');
    }
    this.headers = { ...headers };
    this.timeout = numberAtLeast(options as Record<string, unknown>, 'timeout', 10_000, 1);
    this.agent =
      this.url.protocol === 'https:'
        ? new HttpsAgent({ keepAlive: true })
        : new HttpAgent({ keepAlive: true });
  }

  emit(record: LogRecord): void {
    const body = recordJson(mapLogRecord(this, record));
    const send = this.url.protocol === 'https:' ? httpsRequest : httpRequest;
    const p = new Promise<void>((resolve) => {
      const req = send(
        this.url,
        {
          method: this.method,
          agent: this.agent,
          timeout: this.timeout,
          headers: {
            'content-type': 'application/json',
            'content-length': String(body.length),
            ...this.headers,
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            if (status < 200 || status > 299)
              this.handleError(record, new Error(`HTTP ${status} from ${this.url.href}`));
            resolve();
          });
          res.on('error', (err) => {
            this.handleError(record, err);
            resolve();
          });
        },
      );
      req.on('timeout', () =>
        req.destroy(new Error(`No answer from ${this.url.href} within ${this.timeout} ms`)),
      );
      req.on('error', (err) => {
        this.handleError(record, err);
        resolve();
      });
      req.end(body);
    });
    this.inflight.add(p);
    void p.then(() => this.inflight.delete(p));
  }

  override async flush(): Promise<void> {
    while (this.inflight.size > 0) await Promise.all([...this.inflight]);
  }

  override async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.agent?.destroy();
    await super.close();
  }
}
