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
