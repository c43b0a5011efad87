// Python's shlex.quote leaves a string bare only when every character is in this ASCII set.
const UNSAFE = /[^\w@%+=:,./-]/;

/**
 * Quotes `s` for a POSIX shell so it is read back as exactly one word: the same result as
 * Python's `shlex.quote`.
 *
 * @example
 * quote("it's here") // => `'it'"'"'s here'`
 * quote('plain') // => 'plain'
 */
export function quote(s: string): string {
  if (typeof s !== 'string') throw new TypeError(`quote() expects a string, got ${typeof s}`);
  if (s === '') return "''";
  if (!UNSAFE.test(s)) return s;
  return `'${s.replaceAll("'", `'"'"'`)}'`;
}

/**
 * Joins arguments into one shell-escaped command line: the same result as Python's `shlex.join`.
 *
 * @example
 * join(['du', '-sh', '/dev/null; ls']) // => "du -sh '/dev/null; ls'"
 */
export function join(args: readonly string[]): string {
  if (!Array.isArray(args)) throw new TypeError('join() expects an array of strings');
  return args.map(quote).join(' ');
}
