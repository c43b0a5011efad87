/** Every error code @cb/mailer throws. Callers branch on `code`, never on the message. */
export type MailerErrorCode = 'MAILER_INVALID_OPTION';

/** Base class of every error @cb/mailer throws. */
export class MailerError extends Error {
  override name = 'MailerError';
  readonly code: MailerErrorCode;

  constructor(code: MailerErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}
