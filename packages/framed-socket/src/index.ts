export type {
  Codec,
  FrameDecoder,
} from './codecs/codec.js';
export { type DelimitedOptions, DelimitedCodec, DEFAULT_MAX_DELIMITED_LENGTH } from './codecs/delimited.js';
export { FixedLengthCodec } from './codecs/fixed-length.js';
export {
  DEFAULT_MAX_LENGTH,
  LengthPrefixedCodec,
  type LengthPrefixedOptions,
  VarintLengthCodec,
  type VarintLengthOptions,
} from './codecs/length-prefixed.js';
export {
  type ConnectOptions,
  connect,
  type FramingOptions,
  type WrapOptions,
  wrapSocket,
} from './connect.js';
export {
  type CloseOptions,
  type ConnectionStats,
  FramedConnection,
  type FramedConnectionEvents,
  type ReceiveOptions,
} from './connection.js';
export { decodeStream } from './decode.js';
export {
  AbortedError,
  ConnectionClosedError,
  FrameTooLargeError,
  FramingError,
  type FramingErrorCode,
  InvalidFrameError,
  InvalidOptionError,
  TimeoutError,
  type TimeoutPhase,
  UnexpectedEofError,
} from './errors.js';
export {
  createServer,
  FramedServer,
  type FramedServerEvents,
  type ListenOptions,
  type ServerCloseOptions,
  type ServerOptions,
} from './server.js';
