/**
 * The admin action log: the app's only door to @cb/log. Every admin action becomes one record on
 * the `riddles.admin` logger (INFO, or WARNING for failed and locked logins) with `user`, `action`,
 * `target` and `ip` as record fields, written to a file and/or stderr; the latest entries are also
 * kept in memory for the dashboard's "Recent actions".
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import {
  FileHandler,
  Formatter,
  getLogger,
  type Handler,
  INFO,
  type Logger,
  NullHandler,
  StreamHandler,
  WARNING,
} from '@cb/log';

/** Logger of unexpected server errors (500s); without a handler, @cb/log's last resort prints them on stderr. */
export const SERVER_LOGGER = 'riddles.server';

/** Logs an unexpected error of a request with its stack, so no 500 goes unrecorded. */
export function logServerError(error: unknown, request: { method: string; url: string }): void {
  getLogger(SERVER_LOGGER).error('%s %s failed', request.method, request.url, {
    excInfo: error instanceof Error ? error : new Error(String(error)),
  });
}

/** What an admin did; one value per admin action the app performs. */
export type AuditAction =
  | 'login'
  | 'login_failed'
  | 'login_locked'
  | 'logout'
  | 'riddle_created'
  | 'riddle_updated'
  | 'riddle_deleted'
  | 'option_deleted'
  | 'csv_exported';

/** One logged admin action: who, what, on which object, when, from where. */
export interface AuditEntry {
  readonly at: Date;
  readonly user: string;
  readonly action: AuditAction;
  readonly target: string;
  readonly ip: string;
}

/** The app's single door to logging admin actions. */
export interface AuditLog {
  record(entry: Omit<AuditEntry, 'at'>, at?: Date): void;
  /** The latest entries, newest first (shown on the admin dashboard). */
  recent(limit?: number): readonly AuditEntry[];
  /** Flushes the log file and detaches the handlers. */
  close(): Promise<void>;
}

/** Options of {@link createAuditLog}. */
export interface AuditLogOptions {
  /** Append records to this file (its folder is created). Default: no file. */
  file?: string;
  /** Also write records to this stream, e.g. `process.stderr`. Default: none. */
  stream?: NodeJS.WritableStream;
  /** How many entries `recent()` keeps. Default: 50. */
  keep?: number;
  /** Logger name. Default: `'riddles.admin'`. */
  loggerName?: string;
}

/** The line format: UTC time, level, then the fields, each value quoted where it may hold spaces. */
export const AUDIT_FORMAT =
  '%(asctime)s %(levelname)s %(name)s user=%(user)r action=%(action)s target=%(target)r ip=%(ip)s';

const WARNING_ACTIONS: ReadonlySet<AuditAction> = new Set(['login_failed', 'login_locked']);

/** Creates the admin action log. */
export function createAuditLog(options: AuditLogOptions = {}): AuditLog {
  const keep = options.keep ?? 50;
  const ring: AuditEntry[] = [];
  const logger: Logger = getLogger(options.loggerName ?? 'riddles.admin');
  logger.setLevel(INFO);
  // The admin log is its own channel: records do not also go to whatever the root logger does.
  logger.propagate = false;
  const formatter = new Formatter(AUDIT_FORMAT, {
    fields: ['user', 'action', 'target', 'ip'],
    utc: true,
    escapeNewlines: true,
  });
  const handlers: Handler[] = [];
  if (options.file !== undefined) {
    mkdirSync(path.dirname(options.file), { recursive: true });
    handlers.push(new FileHandler(options.file, { formatter }));
  }
  if (options.stream !== undefined) handlers.push(new StreamHandler(options.stream, { formatter }));
  if (handlers.length === 0) handlers.push(new NullHandler());
  for (const handler of handlers) logger.addHandler(handler);
  let closed = false;

  return {
    record(partial, at = new Date()) {
      const entry: AuditEntry = { ...partial, at };
      ring.unshift(entry);
      if (ring.length > keep) ring.length = keep;
      if (closed) return;
      const level = WARNING_ACTIONS.has(entry.action) ? WARNING : INFO;
      logger.log(level, '%s %s %s', entry.user, entry.action, entry.target, {
        extra: { user: entry.user, action: entry.action, target: entry.target, ip: entry.ip },
      });
    },
    recent(limit = 10) {
      return ring.slice(0, limit);
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const handler of handlers) {
        logger.removeHandler(handler);
        await handler.close();
      }
    },
  };
}
