export { FramedSocketError, type FramedSocketErrorCode } from './errors.js';
