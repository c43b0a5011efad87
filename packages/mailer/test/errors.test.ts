import { describe, expect, it } from 'vitest';
import { MailerError } from '../src/index.js';

describe('MailerError', () => {
  it('is an Error with a stable code and keeps its cause', () => {
    const cause = new Error('root');
    const err = new MailerError('MAILER_INVALID_OPTION', 'bad option', { cause });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('MailerError');
    expect(err.code).toBe('MAILER_INVALID_OPTION');
    expect(err.cause).toBe(cause);
  });
});
