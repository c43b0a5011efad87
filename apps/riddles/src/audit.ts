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
  /** Flushes and releases whatever the log writes to. */
  close(): Promise<void>;
}

/** Formats an entry as one line: `2026-01-02T03:04:05.000Z admin riddle_created riddle 3 "text" from 127.0.0.1`. */
export function formatEntry(entry: AuditEntry): string {
  return `${entry.at.toISOString()} user=${JSON.stringify(entry.user)} action=${entry.action} target=${JSON.stringify(entry.target)} ip=${entry.ip}`;
}

/** Options of {@link createAuditLog}. */
export interface AuditLogOptions {
  /** Append lines to this file (created with its folder). Default: no file. */
  file?: string;
  /** Also write lines to stderr. Default: false. */
  stderr?: boolean;
  /** How many entries `recent()` keeps. Default: 50. */
  keep?: number;
}

/** Creates the admin action log. */
export function createAuditLog(options: AuditLogOptions = {}): AuditLog {
  const keep = options.keep ?? 50;
  const ring: AuditEntry[] = [];
  return {
    record(partial, at = new Date()) {
      const entry: AuditEntry = { ...partial, at };
      ring.unshift(entry);
      if (ring.length > keep) ring.length = keep;
      if (options.stderr === true) process.stderr.write(`${formatEntry(entry)}\n`);
    },
    recent(limit = 10) {
      return ring.slice(0, limit);
    },
    async close() {},
  };
}
