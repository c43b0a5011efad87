export { LogError, type LogErrorCode } from './errors.js';
