import { ShlexError } from './errors.js';

export { join, quote } from './quote.js';

const WHITESPACE = ' \t\r\n';

/**
 * Splits a command line into words with POSIX shell rules: the same result as Python's
 * `shlex.split(s)` (POSIX mode, no comments). Throws `ShlexError` (code `PROC_SHLEX_SYNTAX`) with
 * Python's message for an unclosed quote or a trailing backslash.
 *
 * Splitting is lexical only: no variable, glob or tilde expansion happens.
 *
 * @example
 * split(`du -sh "My Files" it\\'s`) // => ['du', '-sh', 'My Files', "it's"]
 */
export function split(s: string): string[] {
  if (typeof s !== 'string') throw new TypeError(`split() expects a string, got ${typeof s}`);
  const words: string[] = [];
  let word = '';
  // A word exists once any character or any quote pair was seen, so '' yields an empty word.
  let inWord = false;
  let i = 0;
  const n = s.length;
  while (i < n) {
    const c = s[i]!;
    if (WHITESPACE.includes(c)) {
      if (inWord) {
        words.push(word);
        word = '';
        inWord = false;
      }
      i++;
    } else if (c === '\\') {
      if (i + 1 >= n) throw new ShlexError('No escaped character', s, i);
      word += s[i + 1];
      inWord = true;
      i += 2;
    } else if (c === "'") {
      const end = s.indexOf("'", i + 1);
      if (end < 0) throw new ShlexError('No closing quotation', s, i);
      word += s.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      const open = i;
      inWord = true;
      i++;
      for (;;) {
        if (i >= n) throw new ShlexError('No closing quotation', s, open);
        const d = s[i]!;
        if (d === '"') {
          i++;
          break;
        }
        if (d === '\\') {
          // Inside double quotes a backslash escapes only `"` and `\`; before anything else it stays.
          if (i + 1 >= n) throw new ShlexError('No escaped character', s, i);
          const e = s[i + 1]!;
          if (e !== '"' && e !== '\\') word += '\\';
          word += e;
          i += 2;
        } else {
          word += d;
          i++;
        }
      }
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(word);
  return words;
}
