export { ConcurrencyError, type ConcurrencyErrorCode } from './errors.js';
