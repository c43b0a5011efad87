import { LogError } from './errors.js';
import { Handler, type HandlerOptions } from './handler.js';
import type { LogRecord } from './record.js';

/** The one thing SMTPHandler needs from a mailer: `send(message)`. `@cb/mailer`'s Mailer fits. */
export interface MailerLike {
  send(message: {
    from: string;
    to: string | readonly string[];
    subject: string;
    text: string;
  }): Promise<unknown>;
  close?(): Promise<unknown> | unknown;
}

/** How to reach the SMTP server when no mailer is given: passed to `@cb/mailer`'s `createMailer`. */
export interface SmtpConnectionOptions {
  host: string;
  port?: number;
  /** @default 'starttls' for port 587, 'tls' for 465, else 'none' (as @cb/mailer decides) */
  security?: 'tls' | 'starttls' | 'none';
  auth?: { user: string; pass: string };
  [option: string]: unknown;
}

/** Options of {@link SMTPHandler}. */
export interface SMTPHandlerOptions extends HandlerOptions {
  /** Sender address. */
  from: string;
  /** Recipient(s). */
  to: string | readonly string[];
  /** Subject; `(N records)` is appended when a mail carries several. */
  subject: string;
  /**
   * Collect records for this long after the first one and send them in one mail, so an error storm
   * is one mail, not thousands. 0 sends each record at once. @default 5000
   */
  batchMs?: number;
  /** Send at once when this many records are waiting. @default 100 */
  maxBatch?: number;
}

/**
 * Mails records, batched: the first record opens a window of `batchMs`; everything logged in it goes
 * out as one mail. The target is any object with `send(message)` (such as a `@cb/mailer` Mailer) or
 * SMTP connection options, in which case `@cb/mailer` (an optional peer dependency) is loaded lazily.
 */
export class SMTPHandler extends Handler {
  readonly from: string;
  readonly to: string | readonly string[];
  readonly subject: string;
  readonly batchMs: number;
  readonly maxBatch: number;
  private mailer: Promise<MailerLike> | null = null;
  private readonly ownsMailer: boolean;
  private readonly connection: SmtpConnectionOptions | null;
  private pending: string[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly sends = new Set<Promise<void>>();

  constructor(target: MailerLike | SmtpConnectionOptions, options: SMTPHandlerOptions) {
    super(options, ['from', 'to', 'subject', 'batchMs', 'maxBatch']);
    if (
      !options ||
      typeof options.from !== 'string' ||
      options.to === undefined ||
      typeof options.subject !== 'string'
    ) {
      throw new LogError('LOG_INVALID_OPTION', 'SMTPHandler needs `from`, `to` and `subject`', {
        context: { key: 'from' },
      });
    }
    this.from = options.from;
    this.to = options.to;
    this.subject = options.subject;
    this.batchMs = options.batchMs ?? 5000;
    this.maxBatch = options.maxBatch ?? 100;
    if (typeof (target as MailerLike).send === 'function') {
      this.mailer = Promise.resolve(target as MailerLike);
      this.ownsMailer = false;
      this.connection = null;
    } else if (target && typeof (target as SmtpConnectionOptions).host === 'string') {
      this.ownsMailer = true;
      this.connection = target as SmtpConnectionOptions;
    } else {
      throw new LogError('LOG_INVALID_OPTION', 'SMTPHandler needs a mailer with send() or { host, port }', {
        context: { key: 'target' },
      });
    }
  }

  private getMailer(): Promise<MailerLike> {
    if (this.mailer === null) {
      const moduleName = '@cb/mailer';
      this.mailer = (import(moduleName) as Promise<{ createMailer?: (o: unknown) => MailerLike }>).then(
        (mod) => {
          if (typeof mod.createMailer !== 'function') throw new Error('@cb/mailer has no createMailer()');
          return mod.createMailer(this.connection);
        },
        (cause: unknown) => {
          throw new LogError(
            'LOG_MAILER_MISSING',
            'SMTPHandler needs @cb/mailer (npm install @cb/mailer) or a mailer object with send()',
            { cause },
          );
        },
      );
    }
    return this.mailer;
  }

  emit(record: LogRecord): void {
    this.pending.push(this.format(record));
    if (this.batchMs === 0 || this.pending.length >= this.maxBatch) this.sendNow();
    else if (this.timer === null) {
      // The window must not keep a finished program alive: the timer is unref'd, and a batch still
      // open when the event loop empties is sent from 'beforeExit' (the send itself keeps it alive).
      this.timer = setTimeout(() => this.sendNow(), this.batchMs);
      this.timer.unref();
      process.once('beforeExit', this.onBeforeExit);
    }
  }

  private readonly onBeforeExit = (): void => this.sendNow();

  private sendNow(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
      process.removeListener('beforeExit', this.onBeforeExit);
    }
    if (this.pending.length === 0) return;
    const lines = this.pending;
    this.pending = [];
    const subject = lines.length > 1 ? `${this.subject} (${lines.length} records)` : this.subject;
    const p = this.getMailer()
      .then((m) => m.send({ from: this.from, to: this.to, subject, text: lines.join('\n\n') }))
      .then(
        () => undefined,
        (err: unknown) => this.handleError(null, err),
      );
    this.sends.add(p);
    void p.then(() => this.sends.delete(p));
  }

  /** Sends what is waiting now and resolves when every mail was accepted (or failed and was reported). */
  override async flush(): Promise<void> {
    this.sendNow();
    while (this.sends.size > 0) await Promise.all([...this.sends]);
  }

  override async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    if (this.ownsMailer && this.mailer) {
      try {
        const m = await this.mailer;
        await m.close?.();
      } catch {
        // the failure was reported when sending
      }
    }
    await super.close();
  }
}
