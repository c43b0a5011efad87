export { MailerError, type MailerErrorCode } from './errors.js';
