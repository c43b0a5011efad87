/**
 * Every error code @cb/framed-socket uses. Callers branch on `code` (or `instanceof` the subclass),
 * never on the message.
 */
export type FramingErrorCode =
  | 'FRAME_TOO_LARGE'
  | 'UNEXPECTED_EOF'
  | 'CONNECTION_CLOSED'
  | 'TIMEOUT'
  | 'ABORTED'
  | 'INVALID_FRAME'
  | 'INVALID_OPTION';

/** Base class of every error @cb/framed-socket throws or rejects with. */
export class FramingError extends Error {
  override name = 'FramingError';
  /** Stable machine-readable code. */
  readonly code: FramingErrorCode;

  constructor(code: FramingErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/**
 * A frame is longer than the codec's `maxLength` (or than its length field can express). Raised
 * as soon as the length is known, before a byte of the body is buffered.
 */
export class FrameTooLargeError extends FramingError {
  override name = 'FrameTooLargeError';
  /**
   * The length the peer declared (length-prefixed codecs), or the number of body bytes seen so far
   * without a delimiter (delimited codec: the frame is at least this long).
   */
  readonly length: number;
  /** The limit that was exceeded. */
  readonly maxLength: number;
  /** Zero-based index of the offending frame in its stream (`-1` when encoding). */
  readonly frameIndex: number;

  constructor(length: number, maxLength: number, frameIndex: number, options?: ErrorOptions) {
    super(
      'FRAME_TOO_LARGE',
      frameIndex < 0
        ? `Message of ${length} bytes exceeds maxLength ${maxLength}`
        : `Frame ${frameIndex} is ${length} bytes or more, above maxLength ${maxLength}`,
      options,
    );
    this.length = length;
    this.maxLength = maxLength;
    this.frameIndex = frameIndex;
  }
}

/** The stream ended (the peer closed) in the middle of a frame. */
export class UnexpectedEofError extends FramingError {
  override name = 'UnexpectedEofError';
  /** Zero-based index of the incomplete frame. */
  readonly frameIndex: number;
  /** Bytes of that frame (header included) that did arrive. */
  readonly bytesReceived: number;
  /** Total bytes the frame needed (header included), when the header had arrived; else `undefined`. */
  readonly expectedBytes: number | undefined;

  constructor(frameIndex: number, bytesReceived: number, expectedBytes: number | undefined) {
    super(
      'UNEXPECTED_EOF',
      expectedBytes === undefined
        ? `Stream ended inside frame ${frameIndex} after ${bytesReceived} bytes (frame incomplete)`
        : `Stream ended inside frame ${frameIndex}: ${bytesReceived} of ${expectedBytes} bytes arrived`,
    );
    this.frameIndex = frameIndex;
    this.bytesReceived = bytesReceived;
    this.expectedBytes = expectedBytes;
  }
}

/** The connection is closed (by either side, or reset) and the operation cannot complete. */
export class ConnectionClosedError extends FramingError {
  override name = 'ConnectionClosedError';
  constructor(message = 'Connection closed', options?: ErrorOptions) {
    super('CONNECTION_CLOSED', message, options);
  }
}

/** Where a {@link TimeoutError} happened. */
export type TimeoutPhase = 'connect' | 'receive' | 'idle' | 'close';

/** An operation or an idle connection ran past its time limit. */
export class TimeoutError extends FramingError {
  override name = 'TimeoutError';
  /** The limit, in milliseconds. */
  readonly timeoutMs: number;
  /** Which limit fired. */
  readonly phase: TimeoutPhase;
  constructor(phase: TimeoutPhase, timeoutMs: number) {
    super('TIMEOUT', `${phase} timed out after ${timeoutMs} ms`);
    this.phase = phase;
    this.timeoutMs = timeoutMs;
  }
}

/** An `AbortSignal` fired; `cause` is the signal's reason. */
export class AbortedError extends FramingError {
  override name = 'AbortedError';
  constructor(reason: unknown) {
    super('ABORTED', 'The operation was aborted', { cause: reason });
  }
}

/** The bytes do not form a valid frame, or a message cannot be framed by this codec. */
export class InvalidFrameError extends FramingError {
  override name = 'InvalidFrameError';
  /** Zero-based index of the offending frame (`-1` when encoding). */
  readonly frameIndex: number;
  constructor(message: string, frameIndex: number) {
    super('INVALID_FRAME', message);
    this.frameIndex = frameIndex;
  }
}

/** An option has a bad value (unknown option keys are a plain `TypeError`). */
export class InvalidOptionError extends FramingError {
  override name = 'InvalidOptionError';
  /** The option's name. */
  readonly option: string;
  constructor(option: string, message: string) {
    super('INVALID_OPTION', `\`${option}\` ${message}`);
    this.option = option;
  }
}
