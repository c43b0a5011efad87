import TransportStream from 'winston-transport';
import { RECORD_ATTRIBUTES } from './formatter.js';
import { CRITICAL, DEBUG, ERROR, INFO, WARNING } from './levels.js';
import { getLogger, type Logger } from './logger.js';

const WINSTON_LEVELS: Readonly<Record<string, number>> = {
  emerg: CRITICAL,
  alert: CRITICAL,
  crit: CRITICAL,
  error: ERROR,
  warning: WARNING,
  warn: WARNING,
  notice: INFO,
  info: INFO,
  http: INFO,
  verbose: DEBUG,
  debug: DEBUG,
  silly: DEBUG,
};

/** Options of {@link CbLogTransport}. */
export interface CbLogTransportOptions {
  /** The @cb/log logger (or its name) records go to. @default the root logger */
  logger?: Logger | string;
  /** winston's own level filter for this transport. @default none */
  level?: string;
}

const LEVEL = Symbol.for('level');

/**
 * A winston transport that hands winston's log calls to a @cb/log logger: an app with winston
 * loggers gets the hierarchy, Python formats and the no-line-lost handlers without rewriting its
 * calls. winston's npm and syslog levels map to DEBUG/INFO/WARNING/ERROR/CRITICAL; other info fields
 * become record attributes (those that would overwrite a LogRecord attribute are prefixed `winston_`).
 *
 * @example
 * winston.createLogger({ transports: [new CbLogTransport({ logger: 'legacy' })] });
 */
export class CbLogTransport extends TransportStream {
  private readonly target: Logger;

  constructor(options: CbLogTransportOptions = {}) {
    for (const key of Object.keys(options)) {
      if (key !== 'logger' && key !== 'level')
        throw new TypeError(`Unknown option \`${key}\` for CbLogTransport`);
    }
    super(options.level === undefined ? {} : { level: options.level });
    this.target =
      typeof options.logger === 'object' && options.logger !== null
        ? options.logger
        : getLogger(options.logger ?? null);
  }

  override log(info: Record<string | symbol, unknown>, next: () => void): void {
    const name = String(info[LEVEL] ?? info.level ?? 'info');
    const level = WINSTON_LEVELS[name] ?? INFO;
    if (this.target.isEnabledFor(level)) {
      const extra: Record<string, unknown> = {};
      let err: Error | null = null;
      for (const [k, v] of Object.entries(info)) {
        if (k === 'level' || k === 'message') continue;
        if (k === 'stack' && typeof v === 'string') continue;
        if (v instanceof Error) err = v;
        extra[RECORD_ATTRIBUTES.has(k) || k === 'message' || k === 'asctime' ? `winston_${k}` : k] = v;
      }
      const message = info.message;
      if (err === null && typeof info.stack === 'string' && message !== undefined) {
        err = Object.assign(new Error(String(message)), { stack: info.stack });
      }
      const excInfo = err ?? (message instanceof Error ? message : null);
      this.target.log(level, message instanceof Error ? message.message : message, { extra, excInfo });
    }
    next();
  }
}
