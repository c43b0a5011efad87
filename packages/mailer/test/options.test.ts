import { describe, expect, it } from 'vitest';
import { ConfigError, createMailer, type MailerOptions } from '../src/index.js';

function configError(options: MailerOptions): ConfigError {
  try {
    createMailer(options);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('createMailer options', () => {
  it('rejects an unknown option key with a TypeError', () => {
    expect(() => createMailer({ host: 'h', port: 587, secure: true } as unknown as MailerOptions)).toThrow(
      TypeError,
    );
    expect(() =>
      createMailer({ port: 587, tls: { rejectUnauthorised: false } } as unknown as MailerOptions),
    ).toThrow(/Unknown tls option `rejectUnauthorised`/);
    expect(() => createMailer({ port: 587, pool: { max: 3 } } as unknown as MailerOptions)).toThrow(
      TypeError,
    );
  });

  it("says to use 'starttls' when 'tls' is given on port 587", () => {
    const err = configError({ host: 'smtp.example.com', port: 587, security: 'tls' });
    expect(err.code).toBe('ECONFIG');
    expect(err.field).toBe('security');
    expect(err.message).toContain("security: 'starttls'");
    expect(err.message).toContain('port 465');
  });

  it("says to use 'tls' when 'starttls' or 'none' is given on port 465", () => {
    expect(configError({ port: 465, security: 'starttls' }).message).toContain("security: 'tls'");
    expect(configError({ port: 465, security: 'none' }).message).toContain("security: 'tls'");
  });

  it('infers security from the standard ports and requires it elsewhere', () => {
    expect(createMailer({ host: 'smtp.example.com', port: 465 }).transport).toBe('smtp');
    expect(createMailer({ host: 'smtp.example.com', port: 587 }).transport).toBe('smtp');
    expect(createMailer({ host: 'smtp.example.com', security: 'tls' }).transport).toBe('smtp');
    expect(configError({ host: 'smtp.example.com', port: 2525 }).message).toMatch(
      /set `security` explicitly/,
    );
    expect(configError({ host: 'smtp.example.com', port: 25 }).message).toMatch(/set `security` explicitly/);
    expect(configError({ host: 'smtp.example.com' }).field).toBe('security');
    expect(createMailer({ host: 'smtp.example.com', port: 2525, security: 'starttls' }).transport).toBe(
      'smtp',
    );
  });

  it("refuses credentials over security 'none' unless allowInsecureAuth is set", () => {
    const auth = { user: 'u', pass: 'p' };
    const err = configError({ port: 2525, security: 'none', auth });
    expect(err.message).toContain('allowInsecureAuth');
    expect(createMailer({ port: 2525, security: 'none', auth, allowInsecureAuth: true }).transport).toBe(
      'smtp',
    );
  });

  it('validates values and names the field', () => {
    expect(configError({ port: 70000, security: 'none' }).field).toBe('port');
    expect(configError({ port: 587, security: 'ssl' as 'tls' }).field).toBe('security');
    expect(configError({ port: 587, pool: { maxConnections: 0 } }).field).toBe('pool.maxConnections');
    expect(configError({ port: 587, retries: -1 }).field).toBe('retries');
    expect(configError({ port: 587, auth: { user: '', pass: 'x' } }).field).toBe('auth.user');
    expect(configError({ port: 587, auth: { type: 'oauth2', user: 'u' } }).field).toBe('auth');
    expect(configError({ transport: 'file' } as MailerOptions).field).toBe('directory');
  });
});
