/**
 * Every error code @cb/mailer throws. Callers branch on `code`, never on the message.
 *
 * - `ECONFIG`: the mailer options are wrong (port/security mismatch, credentials over plain text ...).
 * - `ECONNECTION`: the connection failed or was dropped, or the server broke the protocol.
 * - `ETIMEDOUT`: connecting, the greeting or an idle socket took longer than its timeout.
 * - `ETLS`: the TLS handshake or STARTTLS upgrade failed (wrong CA, wrong port for the mode ...).
 * - `EAUTH`: the server refused the credentials, or it offers no usable mechanism.
 * - `EENVELOPE`: the sender or every recipient was refused (see `rejected`).
 * - `EMESSAGE`: the message itself is invalid or the server refused its content.
 * - `EHEADER`: a header value would inject a line break, or a header name is not a valid field name.
 * - `EABORT`: the caller's `AbortSignal` fired.
 * - `ECLOSED`: `send()` after `close()`.
 */
export type MailerErrorCode =
  | 'ECONFIG'
  | 'ECONNECTION'
  | 'ETIMEDOUT'
  | 'ETLS'
  | 'EAUTH'
  | 'EENVELOPE'
  | 'EMESSAGE'
  | 'EHEADER'
  | 'EABORT'
  | 'ECLOSED';

/** What the server said and to which command, when an error comes from an SMTP reply. */
export interface MailerErrorContext {
  /** The server's full reply line(s), e.g. `"550 5.1.1 No such user"`. */
  response?: string;
  /** The numeric SMTP reply code, e.g. `550`. */
  responseCode?: number;
  /** The SMTP command the reply answered, e.g. `"RCPT TO"`, `"DATA"`, `"AUTH PLAIN"`, `"CONN"`. */
  command?: string;
  /** The underlying system or TLS code, e.g. `"ECONNREFUSED"`, `"SELF_SIGNED_CERT_IN_CHAIN"`. */
  systemCode?: string;
  /** The option, header or field at fault, e.g. `"subject"`, `"to[1].name"`, `"headers.X-Tag"`. */
  field?: string;
  /** How many delivery attempts were made before this error was thrown. */
  attempts?: number;
}

/** Base class of every error @cb/mailer throws. */
export class MailerError extends Error {
  override name = 'MailerError';
  /** Stable code to branch on. */
  readonly code: MailerErrorCode;
  /** The server's reply, when there was one. Never contains credentials. */
  readonly response: string | undefined;
  /** The numeric SMTP reply code, when there was one. */
  readonly responseCode: number | undefined;
  /** The SMTP command that failed, when known. */
  readonly command: string | undefined;
  /** The system or TLS error code underneath, when there was one. */
  readonly systemCode: string | undefined;
  /** The option, header or field at fault, for input errors. */
  readonly field: string | undefined;
  /** Delivery attempts made (1 + retries used); 0 when nothing was sent. */
  attempts: number;

  constructor(
    code: MailerErrorCode,
    message: string,
    context: MailerErrorContext = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.code = code;
    this.response = context.response;
    this.responseCode = context.responseCode;
    this.command = context.command;
    this.systemCode = context.systemCode;
    this.field = context.field;
    this.attempts = context.attempts ?? 0;
  }

  /**
   * True when trying again later may succeed: a 4xx reply, a dropped or refused connection, a timeout.
   * Permanent failures (5xx, bad credentials, bad input, TLS trust) are false.
   */
  get transient(): boolean {
    if (this.responseCode !== undefined) return this.responseCode >= 400 && this.responseCode < 500;
    return this.code === 'ECONNECTION' || this.code === 'ETIMEDOUT';
  }
}

/** The options are invalid (`ECONFIG`); the message says which option and what to use instead. */
export class ConfigError extends MailerError {
  override name = 'ConfigError';
  constructor(message: string, context: MailerErrorContext = {}, options?: ErrorOptions) {
    super('ECONFIG', message, context, options);
  }
}

/** Connecting failed, the connection dropped, or it timed out (`ECONNECTION`, `ETIMEDOUT`). */
export class ConnectionError extends MailerError {
  override name = 'ConnectionError';
  constructor(
    code: 'ECONNECTION' | 'ETIMEDOUT',
    message: string,
    context: MailerErrorContext = {},
    options?: ErrorOptions,
  ) {
    super(code, message, context, options);
  }
}

/** The TLS handshake or STARTTLS upgrade failed (`ETLS`). */
export class TlsError extends MailerError {
  override name = 'TlsError';
  constructor(message: string, context: MailerErrorContext = {}, options?: ErrorOptions) {
    super('ETLS', message, context, options);
  }
}

/** The server refused the credentials (`EAUTH`). */
export class AuthError extends MailerError {
  override name = 'AuthError';
  constructor(message: string, context: MailerErrorContext = {}, options?: ErrorOptions) {
    super('EAUTH', message, context, options);
  }
}

/** One recipient the server refused, with its reply. */
export interface RecipientRejection {
  /** The refused address. */
  address: string;
  /** The server's reply to `RCPT TO` for it, when the server answered. */
  response?: string;
  /** The numeric reply code, e.g. `550` (permanent) or `451` (try later). */
  responseCode?: number;
}

/** The sender or every recipient was refused, or the envelope is invalid (`EENVELOPE`). */
export class EnvelopeError extends MailerError {
  override name = 'EnvelopeError';
  /** Every refused recipient with the server's reply to it. */
  readonly rejected: readonly RecipientRejection[];
  constructor(
    message: string,
    rejected: readonly RecipientRejection[],
    context: MailerErrorContext = {},
    options?: ErrorOptions,
  ) {
    super('EENVELOPE', message, context, options);
    this.rejected = rejected;
  }
}

/** The message is invalid or the server refused its content (`EMESSAGE`). */
export class MessageError extends MailerError {
  override name = 'MessageError';
  constructor(message: string, context: MailerErrorContext = {}, options?: ErrorOptions) {
    super('EMESSAGE', message, context, options);
  }
}

/** A header name or value would break the header block (CR/LF injection) (`EHEADER`). Nothing was sent. */
export class HeaderError extends MailerError {
  override name = 'HeaderError';
  /** The offending value (with CR and LF shown as `\r` / `\n`). */
  readonly value: string;
  constructor(message: string, field: string, value: string, options?: ErrorOptions) {
    super('EHEADER', message, { field }, options);
    this.value = value;
  }
}
