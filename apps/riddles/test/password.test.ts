import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../src/auth/password.js';
import { charLength, parseInputDate, toInputDate } from '../src/forms.js';

const FAST = { N: 2 ** 10, r: 8, p: 1 };

describe('password hashing', () => {
  it('stores the scrypt parameters and a fresh salt with every hash', async () => {
    const a = await hashPassword('same password');
    const b = await hashPassword('same password');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{86}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('same password', a)).toBe(true);
    expect(await verifyPassword('same password', b)).toBe(true);
  });

  it('rejects a wrong password and malformed hashes without throwing', async () => {
    const hash = await hashPassword('right', FAST);
    expect(await verifyPassword('wrong', hash)).toBe(false);
    expect(await verifyPassword('Right', hash)).toBe(false);
    for (const bad of [
      '',
      'plain',
      'scrypt$x$8$1$a$b',
      'bcrypt$1$2$3$4$5',
      hash.slice(0, -4),
      `${hash}$extra`,
    ]) {
      expect(await verifyPassword('right', bad), bad).toBe(false);
    }
  });

  it('treats canonically equivalent Unicode spellings as the same password', async () => {
    const hash = await hashPassword('caf\u00e9', FAST);
    expect(await verifyPassword('cafe\u0301', hash)).toBe(true);
  });

  it('verifies any password against its own hash and no other (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.string({ maxLength: 40 }),
        async (pw, other) => {
          const hash = await hashPassword(pw, FAST);
          expect(await verifyPassword(pw, hash)).toBe(true);
          if (other.normalize('NFKC') !== pw.normalize('NFKC'))
            expect(await verifyPassword(other, hash)).toBe(false);
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('form helpers', () => {
  it('round-trips any minute through the datetime-local format (property)', () => {
    const minute = 60_000;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Math.floor(253402300799999 / minute) }), (n) => {
        const date = new Date(n * minute);
        expect(parseInputDate(toInputDate(date))?.getTime()).toBe(date.getTime());
      }),
    );
  });

  it('rejects impossible dates instead of rolling them over', () => {
    for (const text of [
      '2026-02-29T10:00',
      '2026-13-01T00:00',
      '2026-04-31T00:00',
      '2026-01-01T24:00',
      'soon',
      '',
    ]) {
      expect(parseInputDate(text), text).toBeUndefined();
    }
    expect(parseInputDate('2024-02-29 23:59')?.toISOString()).toBe('2024-02-29T23:59:00.000Z');
  });

  it('counts characters the way PostgreSQL varchar does (code points)', () => {
    expect(charLength('😀'.repeat(3))).toBe(3);
    expect(charLength('e\u0301')).toBe(2);
  });
});
