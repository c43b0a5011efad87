/** Every error code @cb/framed-socket throws. Callers branch on `code`, never on the message. */
export type FramedSocketErrorCode = 'FRAMED_SOCKET_INVALID_OPTION';

/** Base class of every error @cb/framed-socket throws. */
export class FramedSocketError extends Error {
  override name = 'FramedSocketError';
  readonly code: FramedSocketErrorCode;

  constructor(code: FramedSocketErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}
