import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  bunyanAdapter,
  createSmtpEngine,
  createStreamEngine,
  type EngineError,
  type EngineInfo,
  type EngineTransport,
  makeScrubber,
  toEngineMail,
} from './engine.js';
import { EnvelopeError, MailerError, type MailerErrorContext, type RecipientRejection } from './errors.js';
import { mapError } from './map-error.js';
import { type Message, type PreparedMessage, prepareMessage } from './message.js';
import {
  type MailerOptions,
  type NormalizedOptions,
  type NormalizedSmtpOptions,
  normalizeOptions,
} from './options.js';

/** Per-call options of `send()`. */
export interface SendOptions {
  /** Cancels the send (and any pending retry); the promise rejects with `EABORT`. */
  signal?: AbortSignal;
}

/** Options of `close()`. */
export interface CloseOptions {
  /** Abort sends in progress instead of waiting for them. @default false */
  force?: boolean;
}

/** What `send()` resolves with. */
export interface SendResult {
  /** The Message-ID header of the sent message, with angle brackets. */
  messageId: string;
  /** Recipients the server accepted. */
  accepted: string[];
  /** Recipients the server refused (the message still went to `accepted`). */
  rejected: string[];
  /** Every refused recipient with the server's reply, to tell permanent (5xx) from deferred (4xx). */
  rejections: RecipientRejection[];
  /** The server's final reply, e.g. `"250 OK: queued"`. */
  response: string;
  /** The SMTP envelope used: sender and every recipient (`bcc` included). */
  envelope: { from: string; to: string[] };
  /** Delivery attempts made (1 when the first one worked). */
  attempts: number;
  /** The message bytes (stream transport only). */
  message?: Buffer;
  /** The `.eml` file written (file transport only). */
  path?: string;
}

/** Sends messages; made by `createMailer()`. */
export interface Mailer {
  /** Which transport this mailer uses. */
  readonly transport: 'smtp' | 'file' | 'stream';
  /**
   * Validates, then sends one message. Transient failures (4xx replies, dropped connections, timeouts) are
   * retried with exponential backoff up to `retries` times; permanent ones (5xx, auth, TLS, bad input) are not.
   * Rejects with a `MailerError`; a message with a CR/LF in a header value is refused (`EHEADER`) before
   * anything is sent.
   */
  send(message: Message, options?: SendOptions): Promise<SendResult>;
  /** Connects, upgrades TLS and logs in (SMTP), or checks the folder (file), then disconnects. */
  verify(): Promise<void>;
  /**
   * Stops accepting sends, waits for the ones in progress (retries included), then closes pooled
   * connections. With `{ force: true }` the sends in progress are aborted (`EABORT`) instead of awaited.
   * Idempotent; a forced call after a graceful one still aborts.
   */
  close(options?: CloseOptions): Promise<void>;
}

function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new MailerError('EABORT', 'Sending was aborted'));
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new MailerError('EABORT', 'Sending was aborted', {}, { cause: signal?.reason }));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Per-send state for cancellation. */
interface SendContext {
  user: AbortSignal | undefined;
  controller: AbortController | undefined;
  forward: (() => void) | undefined;
}

const FORCED = (context: MailerErrorContext = {}, options?: ErrorOptions): MailerError =>
  new MailerError('EABORT', 'The mailer was closed with { force: true }', context, options);

/** Start times of recent sends; `acquire()` waits until one more fits in the window. */
class RateLimiter {
  readonly #limit: number;
  readonly #window: number;
  readonly #starts: number[] = [];
  #chain: Promise<void> = Promise.resolve();

  constructor(limit: number, window: number) {
    this.#limit = limit;
    this.#window = window;
  }

  acquire(signal: AbortSignal | undefined): Promise<void> {
    const next = this.#chain.then(async () => {
      for (;;) {
        const now = Date.now();
        while (this.#starts.length && this.#starts[0]! <= now - this.#window) this.#starts.shift();
        if (this.#starts.length < this.#limit) {
          this.#starts.push(now);
          return;
        }
        await delay(this.#starts[0]! + this.#window - now, signal);
      }
    });
    this.#chain = next.catch(() => undefined);
    return next;
  }
}

/** Recipients refused with a 4xx reply: worth another try. */
function deferredOf(result: SendResult): string[] {
  return result.rejections
    .filter((r) => r.responseCode !== undefined && r.responseCode >= 400 && r.responseCode < 500)
    .map((r) => r.address);
}

/** Folds the outcome of a follow-up attempt (to some recipients only) into the first result. */
function merge(first: SendResult, next: SendResult): SendResult {
  const retried = new Set(next.rejections.map((r) => r.address).concat(next.accepted));
  const rejections = first.rejections.filter((r) => !retried.has(r.address)).concat(next.rejections);
  const accepted = [...new Set(first.accepted.concat(next.accepted))];
  return {
    ...first,
    accepted,
    rejected: rejections.map((r) => r.address),
    rejections,
    response: next.response,
    attempts: next.attempts,
  };
}

function envelopeOf(info: EngineInfo, fallback: PreparedMessage): { from: string; to: string[] } {
  const from = typeof info.envelope?.from === 'string' ? info.envelope.from : fallback.from.address;
  const to = Array.isArray(info.envelope?.to)
    ? info.envelope.to
    : [...fallback.to, ...fallback.cc, ...fallback.bcc].map((b) => b.address);
  return { from, to };
}

class MailerImpl implements Mailer {
  readonly transport: 'smtp' | 'file' | 'stream';
  readonly #options: NormalizedOptions;
  readonly #engine: EngineTransport;
  readonly #scrub: (text: string) => string;
  readonly #limiter: RateLimiter | undefined;
  #pending = 0;
  #drained: (() => void) | undefined;
  readonly #controllers = new Set<AbortController>();
  #forced = false;
  #closing: Promise<void> | undefined;
  #directoryReady: Promise<unknown> | undefined;

  constructor(options: NormalizedOptions) {
    this.#options = options;
    this.transport = options.transport;
    const secrets: string[] = [];
    if (options.transport === 'smtp' && options.auth) {
      const a = options.auth;
      if ('type' in a) {
        for (const s of [a.accessToken, a.clientSecret, a.refreshToken]) if (s) secrets.push(s);
      } else {
        secrets.push(a.pass, `\u0000${a.user}\u0000${a.pass}`, `${a.user}\u0000${a.user}\u0000${a.pass}`);
      }
    }
    this.#scrub = makeScrubber(secrets);
    const logger = options.logger ? bunyanAdapter(options.logger, this.#scrub) : false;
    if (options.transport === 'smtp') {
      this.#engine = createSmtpEngine(options, logger);
      if (options.rateLimit) {
        this.#limiter = new RateLimiter(options.rateLimit.messages, options.rateLimit.perMilliseconds);
      }
    } else {
      this.#engine = createStreamEngine(options.transport === 'stream');
    }
  }

  send(message: Message, options: SendOptions = {}): Promise<SendResult> {
    if (this.#closing) {
      return Promise.reject(new MailerError('ECLOSED', 'send() was called after close()'));
    }
    return this.#send(message, options);
  }

  async #send(message: Message, options: SendOptions): Promise<SendResult> {
    this.#pending++;
    const ctx: SendContext = { user: options.signal, controller: undefined, forward: undefined };
    try {
      return await this.#attempts(message, ctx);
    } finally {
      if (ctx.controller) {
        if (ctx.forward) ctx.user?.removeEventListener('abort', ctx.forward);
        this.#controllers.delete(ctx.controller);
      }
      if (--this.#pending === 0) this.#drained?.();
    }
  }

  /**
   * The send's own signal, made on first use: it fires for the caller's signal and for close({ force }).
   * The mailer keeps these controllers in a set rather than having every send listen on one shared signal.
   */
  #signal(ctx: SendContext): AbortSignal {
    if (!ctx.controller) {
      const controller = new AbortController();
      ctx.controller = controller;
      this.#controllers.add(controller);
      if (this.#forced) controller.abort(FORCED());
      const user = ctx.user;
      if (user) {
        if (user.aborted) controller.abort(user.reason);
        ctx.forward = () => controller.abort(user.reason);
        user.addEventListener('abort', ctx.forward, { once: true });
      }
    }
    return ctx.controller.signal;
  }

  async #attempts(message: Message, ctx: SendContext): Promise<SendResult> {
    const prepared = await prepareMessage(message);
    const o = this.#options;
    // Handing nodemailer a signal costs it a listener per message; a pool is force-closed through its own
    // close({ force }) instead, so only a caller's signal or a one-shot connection needs one.
    const pooled = o.transport === 'smtp' && o.pool !== undefined;
    const engineSignal = ctx.user || !pooled ? this.#signal(ctx) : undefined;
    const retries = o.transport === 'smtp' && prepared.retryable ? o.retries : 0;
    const security = o.transport === 'smtp' ? o.security : undefined;
    const port = o.transport === 'smtp' ? o.port : undefined;
    const backoff = (attempt: number): number =>
      Math.min((o as NormalizedSmtpOptions).retryDelay * 2 ** (attempt - 1), 30_000);
    // Once the message is out to some recipients, later attempts go only to the ones deferred with a 4xx,
    // under the same Message-ID, and their outcome is merged into the first result.
    let delivered: SendResult | undefined;
    let attempts = 0;
    for (;;) {
      attempts++;
      let wait: number;
      try {
        if (ctx.user?.aborted || this.#forced) {
          throw this.#forced
            ? FORCED()
            : new MailerError('EABORT', 'Sending was aborted', {}, { cause: ctx.user?.reason });
        }
        if (this.#limiter) await this.#limiter.acquire(this.#signal(ctx));
        const mail = toEngineMail(prepared, engineSignal);
        if (delivered) {
          mail.messageId = delivered.messageId;
          mail.envelope = { from: prepared.from.address, to: deferredOf(delivered) };
        }
        const info = await this.#engine.sendMail(mail);
        const result = await this.#result(info, prepared, attempts);
        delivered = delivered ? merge(delivered, result) : result;
        const deferred = deferredOf(delivered);
        if (deferred.length === 0 || attempts > retries) return delivered;
        wait = backoff(attempts);
        this.#log('warn', `${deferred.length} recipient(s) deferred (4xx); retrying them in ${wait} ms`);
      } catch (raw) {
        const err = this.#forced
          ? FORCED({ attempts }, { cause: raw })
          : mapError(raw, { scrub: this.#scrub, attempts, security, port });
        if (delivered) {
          if (err instanceof EnvelopeError)
            delivered = merge(delivered, { ...delivered, rejections: [...err.rejected] });
          delivered.attempts = attempts;
          if (
            err.code === 'EABORT' ||
            !err.transient ||
            attempts > retries ||
            deferredOf(delivered).length === 0
          ) {
            return delivered;
          }
        } else if (err.code === 'EABORT' || !err.transient || attempts > retries || ctx.user?.aborted) {
          throw err;
        }
        wait = backoff(attempts);
        const reply = err.responseCode ? ` ${err.responseCode}` : '';
        this.#log('warn', `Attempt ${attempts} failed (${err.code}${reply}); retrying in ${wait} ms`);
      }
      try {
        await delay(wait, this.#signal(ctx));
      } catch (err) {
        if (delivered) return delivered;
        throw err;
      }
    }
  }

  #log(level: 'warn' | 'info', message: string): void {
    this.#options.logger?.({ level, event: 'retry', message });
  }

  async #result(info: EngineInfo, prepared: PreparedMessage, attempts: number): Promise<SendResult> {
    const envelope = envelopeOf(info, prepared);
    const rejections: RecipientRejection[] = (info.rejectedErrors ?? []).map((e: EngineError) => {
      const r: RecipientRejection = { address: e.recipient ?? '' };
      if (typeof e.response === 'string') r.response = this.#scrub(e.response);
      if (typeof e.responseCode === 'number') r.responseCode = e.responseCode;
      return r;
    });
    const result: SendResult = {
      messageId: info.messageId,
      accepted: info.accepted ?? envelope.to,
      rejected: info.rejected ?? [],
      rejections,
      response: this.#scrub(info.response ?? ''),
      envelope,
      attempts,
    };
    const o = this.#options;
    if (o.transport === 'stream' && Buffer.isBuffer(info.message)) {
      result.message = info.message;
      result.response = 'composed';
    }
    if (o.transport === 'file') {
      result.path = await this.#writeFile(o.directory, info);
      result.response = `written to ${result.path}`;
    }
    return result;
  }

  async #writeFile(directory: string, info: EngineInfo): Promise<string> {
    this.#directoryReady ??= mkdir(directory, { recursive: true });
    await this.#directoryReady;
    const id = info.messageId.replace(/[^\w.-]+/g, '').slice(0, 64) || randomBytes(8).toString('hex');
    const name = `${Date.now()}-${id}.eml`;
    const final = join(directory, name);
    const temp = join(directory, `.${name}.${randomBytes(4).toString('hex')}.tmp`);
    try {
      await pipeline(info.message as Readable, createWriteStream(temp, { flags: 'wx' }));
      await rename(temp, final);
    } catch (err) {
      await unlink(temp).catch(() => undefined);
      throw err;
    }
    return final;
  }

  async verify(): Promise<void> {
    const o = this.#options;
    if (o.transport === 'file') {
      await mkdir(o.directory, { recursive: true });
      return;
    }
    if (o.transport === 'stream') return;
    try {
      await this.#engine.verify();
    } catch (raw) {
      throw mapError(raw, { scrub: this.#scrub, attempts: 0, security: o.security, port: o.port });
    }
  }

  close(options: CloseOptions = {}): Promise<void> {
    if (typeof options !== 'object' || options === null)
      throw new TypeError('close() takes an options object');
    for (const key of Object.keys(options)) {
      if (key !== 'force') throw new TypeError(`Unknown close option \`${key}\``);
    }
    if (options.force && !this.#forced) {
      this.#forced = true;
      for (const c of this.#controllers) c.abort(FORCED());
      this.#engine.close({ force: true });
    }
    this.#closing ??= (async () => {
      if (this.#pending > 0) {
        await new Promise<void>((resolve) => {
          this.#drained = resolve;
        });
      }
      this.#engine.close();
    })();
    return this.#closing;
  }
}

/**
 * Creates a mailer. SMTP by default; `transport: 'file'` writes `.eml` files, `transport: 'stream'` returns
 * the bytes. Options are checked here: unknown keys are a `TypeError`, a port/security mismatch or
 * credentials over `security: 'none'` a `ConfigError` that says what to use.
 *
 * @example
 * ```ts
 * const mailer = createMailer({ host: 'smtp.example.com', port: 587, security: 'starttls',
 *   auth: { user: 'me@example.com', pass: process.env.SMTP_PASSWORD ?? '' } });
 * await mailer.send({ from: 'me@example.com', to: 'you@example.com', subject: 'Hi', text: 'Hello' });
 * await mailer.close();
 * ```
 */
export function createMailer(options: MailerOptions): Mailer {
  return new MailerImpl(normalizeOptions(options));
}

/**
 * Renders a message to its RFC 5322 bytes (what an `.eml` file holds) without sending it.
 *
 * @example
 * ```ts
 * const eml = await compose({ from: 'a@example.com', to: 'b@example.com', subject: 'Hi', text: 'Hello' });
 * ```
 */
export async function compose(message: Message): Promise<Buffer> {
  const prepared = await prepareMessage(message);
  const engine = createStreamEngine(true);
  try {
    const info = await engine.sendMail(toEngineMail(prepared, undefined));
    return info.message as Buffer;
  } catch (raw) {
    throw mapError(raw, { scrub: (t) => t, attempts: 0 });
  } finally {
    engine.close();
  }
}
