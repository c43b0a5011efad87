import { describe, expect, it } from 'vitest';
import { AuthError, ConnectionError, EnvelopeError, HeaderError, MailerError } from '../src/index.js';

describe('MailerError', () => {
  it('is an Error with a stable code, context fields and its cause', () => {
    const cause = new Error('root');
    const err = new AuthError(
      'bad login',
      { response: '535 no', responseCode: 535, command: 'AUTH PLAIN' },
      { cause },
    );
    expect(err).toBeInstanceOf(MailerError);
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('AuthError');
    expect(err.code).toBe('EAUTH');
    expect(err.command).toBe('AUTH PLAIN');
    expect(err.cause).toBe(cause);
  });

  it('calls 4xx replies and dropped connections transient, 5xx and bad input permanent', () => {
    expect(new MailerError('EMESSAGE', 'x', { responseCode: 451 }).transient).toBe(true);
    expect(new MailerError('EMESSAGE', 'x', { responseCode: 550 }).transient).toBe(false);
    expect(new ConnectionError('ECONNECTION', 'x').transient).toBe(true);
    expect(new ConnectionError('ETIMEDOUT', 'x').transient).toBe(true);
    expect(new HeaderError('x', 'subject', 'a\nb').transient).toBe(false);
    expect(new EnvelopeError('x', [{ address: 'a@b.c', responseCode: 550 }]).rejected[0]?.address).toBe(
      'a@b.c',
    );
  });
});
