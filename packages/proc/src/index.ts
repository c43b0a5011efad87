export { ProcError, type ProcErrorCode } from './errors.js';
