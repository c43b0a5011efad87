export { basicConfig, type BasicConfigOptions, flushAllSync, shutdown } from './config.js';
export {
  ConfigError,
  FormatError,
  LogError,
  type LogErrorCode,
  type LogErrorContext,
  UnknownFieldError,
} from './errors.js';
export {
  type FileHandlerOptions,
  FileHandler,
  type FileMode,
  RotatingFileHandler,
  type RotatingFileHandlerOptions,
  type RotateWhen,
  TimedRotatingFileHandler,
  type TimedRotatingFileHandlerOptions,
  WatchedFileHandler,
} from './file-handlers.js';
export { Filter, type FilterFunction, type FilterLike, Filterer } from './filter.js';
export {
  CALLER_ATTRIBUTES,
  escapeNewlines,
  Formatter,
  type FormatterOptions,
  type FormatStyle,
  JsonFormatter,
  type JsonFormatterOptions,
  RECORD_ATTRIBUTES,
} from './formatter.js';
export {
  Handler,
  type HandlerOptions,
  NullHandler,
  StreamHandler,
  type StreamHandlerOptions,
} from './handler.js';
export {
  addLevelName,
  CRITICAL,
  checkLevel,
  DEBUG,
  ERROR,
  FATAL,
  getLevelName,
  getLevelNamesMapping,
  INFO,
  type LevelLike,
  NOTSET,
  WARN,
  WARNING,
} from './levels.js';
export {
  disable,
  getLogger,
  lastResort,
  type LogCallOptions,
  Logger,
  type LogMethod,
  Manager,
  RootLogger,
  setLastResort,
} from './logger.js';
export { type ExcInfo, formatError, type LogRecordAttributes, LogRecord, makeLogRecord } from './record.js';
export { compileStrftime, strftime } from './strftime.js';
export type { ConnectionPolicy, StreamTarget } from './connection.js';
export {
  type DictConfig,
  dictConfig,
  type FormatterConfig,
  type HandlerConfig,
  type LoggerConfig,
} from './dict-config.js';
export {
  DatagramHandler,
  FACILITIES,
  HTTPHandler,
  type HTTPHandlerOptions,
  makeFrame,
  mapLogRecord,
  SocketHandler,
  type SocketHandlerOptions,
  SysLogHandler,
  type SysLogHandlerOptions,
  syslogSeverity,
} from './net-handlers.js';
export {
  LogQueue,
  MemoryHandler,
  type MemoryHandlerOptions,
  QueueHandler,
  QueueListener,
  type QueueListenerOptions,
  type QueueSource,
  type QueueTarget,
} from './queue-handlers.js';
export {
  type MailerLike,
  type SmtpConnectionOptions,
  SMTPHandler,
  type SMTPHandlerOptions,
} from './smtp-handler.js';
export { WinstonHandler } from './winston-handler.js';
export { CbLogTransport, type CbLogTransportOptions } from './winston-transport.js';
export { LoggerAdapter } from './adapter.js';
