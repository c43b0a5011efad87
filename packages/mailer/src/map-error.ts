import type { EngineError } from './engine.js';
import {
  AuthError,
  ConfigError,
  ConnectionError,
  EnvelopeError,
  MailerError,
  type MailerErrorContext,
  MessageError,
  type RecipientRejection,
  TlsError,
} from './errors.js';
import type { Security } from './options.js';

const TLS_SYSTEM_CODE =
  /^(ERR_SSL_|ERR_TLS_|CERT_|UNABLE_TO_|SELF_SIGNED|DEPTH_ZERO|HOSTNAME_MISMATCH|ERR_OSSL)/;
const TLS_MESSAGE = /SSL routines|certificate|wrong version number|TLS/i;

/** @internal What the mapper needs to know about the connection for a useful message. */
export interface MapContext {
  scrub: (text: string) => string;
  attempts: number;
  security?: Security;
  port?: number;
}

function rejections(err: EngineError, scrub: (t: string) => string): RecipientRejection[] {
  if (Array.isArray(err.rejectedErrors) && err.rejectedErrors.length) {
    return err.rejectedErrors.map((r) => {
      const out: RecipientRejection = { address: r.recipient ?? '' };
      if (typeof r.response === 'string') out.response = scrub(r.response);
      if (typeof r.responseCode === 'number') out.responseCode = r.responseCode;
      return out;
    });
  }
  return (err.rejected ?? []).map((address) => ({ address }));
}

/** @internal Turns whatever nodemailer threw into our typed error, with credentials scrubbed. */
export function mapError(raw: unknown, ctx: MapContext): MailerError {
  if (raw instanceof MailerError) {
    raw.attempts = ctx.attempts;
    return raw;
  }
  const err = (raw instanceof Error ? raw : new Error(String(raw))) as EngineError;
  const { scrub } = ctx;
  const context: MailerErrorContext = { attempts: ctx.attempts };
  if (typeof err.response === 'string') context.response = scrub(err.response);
  if (typeof err.responseCode === 'number') context.responseCode = err.responseCode;
  if (typeof err.command === 'string') context.command = err.command;
  const systemCode =
    typeof err.originalCode === 'string'
      ? err.originalCode
      : typeof err.code === 'string'
        ? err.code
        : undefined;
  if (systemCode !== undefined && /^E[A-Z]+$|^ERR_|_/.test(systemCode) && systemCode !== err.code) {
    context.systemCode = systemCode;
  }
  const message = scrub(err.message);
  const options = { cause: raw };
  const code = err.code ?? '';

  const looksTls =
    code === 'ETLS' ||
    code === 'EREQUIRETLS' ||
    (code === 'ESOCKET' &&
      ((context.systemCode !== undefined && TLS_SYSTEM_CODE.test(context.systemCode)) ||
        TLS_MESSAGE.test(message)));
  if (looksTls) {
    let hint = '';
    if (
      /wrong version number|packet length too long|unknown protocol/i.test(message) &&
      ctx.security === 'tls'
    ) {
      hint = ` (the server did not answer with TLS on connect: port ${ctx.port} probably expects STARTTLS, use security: 'starttls')`;
    } else if (/certificate|CERT_|UNABLE_TO_|SELF_SIGNED/i.test(`${message} ${context.systemCode ?? ''}`)) {
      hint = ' (the server certificate is not trusted: pass its CA as tls.ca)';
    }
    return new TlsError(`TLS failed: ${message}${hint}`, context, options);
  }
  switch (code) {
    case 'EAUTH':
    case 'ENOAUTH':
    case 'EOAUTH2':
      return new AuthError(`Authentication failed: ${message}`, context, options);
    case 'ETIMEDOUT':
      return new ConnectionError('ETIMEDOUT', `Timed out: ${message}`, context, options);
    case 'EENVELOPE':
    case 'EMAXRECIPIENTS':
      return new EnvelopeError(message, rejections(err, scrub), context, options);
    case 'EMESSAGE':
    case 'ESTREAM':
    case 'EFILEACCESS':
    case 'EURLACCESS':
    case 'EOTP':
      return new MessageError(message, context, options);
    case 'EABORT':
      return new MailerError('EABORT', 'Sending was aborted', context, options);
    case 'ECONFIG':
      return new ConfigError(message, context, options);
    default:
      if (err.name === 'AbortError')
        return new MailerError('EABORT', 'Sending was aborted', context, options);
      return new ConnectionError('ECONNECTION', `Connection failed: ${message}`, context, options);
  }
}
