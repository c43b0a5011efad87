export type { ClassMemberDecorator, Decorator } from './decorate.js';
export {
  InvalidOptionError,
  MemoError,
  type MemoErrorCode,
  UnsupportedTargetError,
  ValidationError,
} from './errors.js';
export type { CacheInfo } from './lru.js';
export { formatArgs } from './repr.js';
export {
  type CacheControl,
  cacheOf,
  cachedProperty,
  type Memoized,
  type MemoizeDecorator,
  type MemoizeOptions,
  memoize,
} from './memoize.js';
export {
  formatTiming,
  type InfoLogger,
  type TimedOptions,
  type TimingReport,
  type TimingSink,
  timed,
} from './timed.js';
export { type ValidateOptions, validate } from './validate.js';
export { type AnyFunction, unwrap, wraps } from './wraps.js';
