import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { convertToPalindrome, createConverter, isPalindrome, NO_SPACES } from '../src/palindrome.js';

function bruteForce(v: string): string {
  // Try every possible suffix length; the first palindrome found is the shortest.
  for (let k = 0; ; k++) {
    for (const tail of tails(k)) {
      if (isPalindrome(v + tail)) return v + tail;
    }
  }
  function* tails(k: number): Generator<string> {
    if (k === 0) yield '';
    else for (const c of new Set(v)) for (const rest of tails(k - 1)) yield c + rest;
  }
}

describe('convertToPalindrome', () => {
  it('returns the shortest palindrome that starts with the input', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'b', 'c'), maxLength: 7 }), (v) => {
        const p = convertToPalindrome(v);
        expect(p.startsWith(v)).toBe(true);
        expect(isPalindrome(p)).toBe(true);
        expect(p).toBe(bruteForce(v));
      }),
    );
  });
});

describe('createConverter', () => {
  it('validates before caching, and serves the second call from cache', () => {
    const lines: string[] = [];
    const { convert, cache } = createConverter({ write: (l) => lines.push(l), sink: () => {} });
    expect(convert('casa')).toBe('casac');
    expect(convert('casa')).toBe('casac');
    expect(convert('anita lava la tina')).toBe(NO_SPACES);
    expect(lines).toEqual(["result for args ('casa',) was not found in cache..."]);
    expect(cache.cacheInfo()).toEqual({ hits: 1, misses: 1, maxSize: 128, currSize: 1 });
  });
});
