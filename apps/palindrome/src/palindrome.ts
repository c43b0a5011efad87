import { formatArgs, memoize, type TimingSink, timed, validate } from '@cb/memo-decorators';

/** True when `s` reads the same backwards (by code point). */
export function isPalindrome(s: string): boolean {
  const chars = Array.from(s);
  for (let i = 0, j = chars.length - 1; i < j; i++, j--) {
    if (chars[i] !== chars[j]) return false;
  }
  return true;
}

/**
 * The shortest palindrome that starts with `v`: `v` plus the reverse of the shortest prefix
 * whose removal leaves a palindrome (`casa` -> `casac`, `mene` -> `menem`).
 */
export function convertToPalindrome(v: string): string {
  const chars = Array.from(v);
  for (let i = 0; i < chars.length; i++) {
    if (isPalindrome(chars.slice(i).join(''))) return v + chars.slice(0, i).reverse().join('');
  }
  return v;
}

/** The message the cookbook's validation returns for input with spaces. */
export const NO_SPACES = "input shouldn't contain spaces.";

export interface ConverterOptions {
  /** Where the caching layer announces a miss. */
  write: (line: string) => void;
  /** Where timings go. @default the package's default sink (stdout) */
  sink?: TimingSink;
}

/**
 * The chapter's stack, outermost first: timing, then validation, then caching. The caching layer
 * announces a miss: the announcing function sits under `memoize`, so it runs only on a miss.
 */
export function createConverter(options: ConverterOptions) {
  const { write, sink } = options;
  const announced = function convertToPalindromeOnMiss(v: string): string {
    write(`result for args ${formatArgs([v])} was not found in cache...`);
    return convertToPalindrome(v);
  };
  Object.defineProperty(announced, 'name', { value: 'convertToPalindrome' });
  const cached = memoize(announced);
  const validated = validate((v: string) => !v.includes(' '), { onInvalid: NO_SPACES })(cached);
  const converter = timed(validated, sink === undefined ? {} : { sink });
  return { convert: converter, cache: cached };
}
