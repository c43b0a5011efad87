/** Every error code @cb/log throws. Callers branch on `code`, never on the message. */
export type LogErrorCode =
  | 'LOG_INVALID_OPTION'
  | 'LOG_INVALID_LEVEL'
  | 'LOG_BAD_FORMAT'
  | 'LOG_UNKNOWN_FIELD'
  | 'LOG_MESSAGE_FORMAT'
  | 'LOG_HANDLER_CLOSED'
  | 'LOG_CONFIG'
  | 'LOG_MAILER_MISSING';

/** Where in a format string or configuration an error was found. */
export interface LogErrorContext {
  /** The format string that failed to compile. */
  format?: string;
  /** Zero-based character offset into `format`. */
  position?: number;
  /** The attribute, option or configuration key at fault. */
  key?: string;
  /** The offending value. */
  value?: unknown;
}

/** Base class of every error @cb/log throws. */
export class LogError extends Error {
  override name = 'LogError';
  readonly code: LogErrorCode;
  /** Where the error was found, when known. */
  readonly context: LogErrorContext;

  constructor(code: LogErrorCode, message: string, options?: ErrorOptions & { context?: LogErrorContext }) {
    super(message, options);
    this.code = code;
    this.context = options?.context ?? {};
  }
}

/** An option whose value is not what it must be: `` `key` must be <expected>, got <value> ``. */
export function invalidOption(key: string, value: unknown, expected: string): LogError {
  return new LogError('LOG_INVALID_OPTION', `\`${key}\` must be ${expected}, got ${String(value)}`, {
    context: { key, value },
  });
}

/** A format string that cannot be compiled: a bad `%` spec, `{}` field or `$` placeholder. */
export class FormatError extends LogError {
  override name = 'FormatError';
}

/** A format references an attribute that no LogRecord has (and that is not declared as a default). */
export class UnknownFieldError extends LogError {
  override name = 'UnknownFieldError';
}

/** `dictConfig` received a configuration it cannot apply. */
export class ConfigError extends LogError {
  override name = 'ConfigError';
}
