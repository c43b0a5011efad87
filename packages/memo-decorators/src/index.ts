export { MemoDecoratorsError, type MemoDecoratorsErrorCode } from './errors.js';
