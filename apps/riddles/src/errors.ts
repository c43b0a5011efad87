/** Stable codes for the failures the riddles app reports to its operator. */
export type RiddlesErrorCode =
  | 'RIDDLES_DATABASE_IN_USE'
  | 'RIDDLES_MIGRATION_NOT_FOUND'
  | 'RIDDLES_INVALID_CONFIG'
  | 'RIDDLES_INVALID_SUPERUSER'
  | 'RIDDLES_USER_EXISTS';

/** Base class of every error the app throws on purpose; branch on `code`, never on the message. */
export class RiddlesError extends Error {
  override name = 'RiddlesError';
  constructor(
    readonly code: RiddlesErrorCode,
    message: string,
    readonly context: Readonly<Record<string, string | number>> = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
