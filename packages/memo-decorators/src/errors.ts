/** Every error code @cb/memo-decorators throws. Callers branch on `code`, never on the message. */
export type MemoDecoratorsErrorCode = 'MEMO_DECORATORS_INVALID_OPTION';

/** Base class of every error @cb/memo-decorators throws. */
export class MemoDecoratorsError extends Error {
  override name = 'MemoDecoratorsError';
  readonly code: MemoDecoratorsErrorCode;

  constructor(code: MemoDecoratorsErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}
