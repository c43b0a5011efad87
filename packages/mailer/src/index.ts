export {
  AuthError,
  ConfigError,
  ConnectionError,
  EnvelopeError,
  HeaderError,
  MailerError,
  type MailerErrorCode,
  type MailerErrorContext,
  MessageError,
  type RecipientRejection,
  TlsError,
} from './errors.js';
export {
  type CloseOptions,
  compose,
  createMailer,
  type Mailer,
  type SendOptions,
  type SendResult,
} from './mailer.js';
export type { Address, AddressList, Attachment, Message, Priority } from './message.js';
export type {
  FileMailerOptions,
  MailerLogger,
  MailerLogLevel,
  MailerLogRecord,
  MailerOptions,
  OAuth2Auth,
  PasswordAuth,
  PoolOptions,
  RateLimit,
  Security,
  SmtpMailerOptions,
  StreamMailerOptions,
  Timeouts,
  TlsOptions,
} from './options.js';
