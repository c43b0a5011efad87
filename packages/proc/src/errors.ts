/** Every error code @cb/proc throws. Callers branch on `code`, never on the message. */
export type ProcErrorCode = 'PROC_INVALID_OPTION';

/** Base class of every error @cb/proc throws. */
export class ProcError extends Error {
  override name = 'ProcError';
  readonly code: ProcErrorCode;

  constructor(code: ProcErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}
