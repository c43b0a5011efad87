import { type Dialect, QUOTE_MINIMAL } from './dialect.js';
import { CsvError } from './errors.js';
import { parsePythonFloat } from './number.js';
import { Parser } from './parser.js';

// Python's `\w` on str patterns: letters, numbers and underscore in any script.
const W = '\\p{L}\\p{N}_';
// Python's MULTILINE `^`/`$` only know `\n` (JS's also stop at `\r`, U+2028 and U+2029).
const BOL = '(?<![^\\n])';
const EOL = '(?![^\\n])';

const QUOTE_PATTERNS = [
  // ,".*?",
  `(?<delim>[^${W}\\n"'])(?<space> ?)(?<quote>["']).*?\\k<quote>\\k<delim>`,
  //  ".*?",
  `${BOL}(?<quote>["']).*?\\k<quote>(?<delim>[^${W}\\n"'])(?<space> ?)`,
  // ,".*?"
  `(?<delim>[^${W}\\n"'])(?<space> ?)(?<quote>["']).*?\\k<quote>${EOL}`,
  //  ".*?" (no delimiter, no space)
  `${BOL}(?<quote>["']).*?\\k<quote>${EOL}`,
].map((source) => new RegExp(source, 'gsu'));

const PREFERRED = [',', '\t', ';', ' ', ':'];

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

function count(text: string, needle: string): number {
  if (needle === '') return text.length + 1;
  let n = 0;
  for (let k = text.indexOf(needle); k !== -1; k = text.indexOf(needle, k + needle.length)) n++;
  return n;
}

/** First key with the largest value, in insertion order (Python's `max(d, key=d.get)`). */
function argmax<K>(map: Map<K, number>): K {
  let best: K | undefined;
  let bestValue = Number.NEGATIVE_INFINITY;
  for (const [key, value] of map) {
    if (value > bestValue) {
      best = key;
      bestValue = value;
    }
  }
  return best!;
}

interface QuoteGuess {
  quotechar: string;
  doublequote: boolean;
  delimiter: string;
  skipinitialspace: boolean;
}

function guessQuoteAndDelimiter(data: string, delimiters: string | undefined): QuoteGuess | undefined {
  let matches: RegExpMatchArray[] = [];
  for (const re of QUOTE_PATTERNS) {
    re.lastIndex = 0;
    matches = [...data.matchAll(re)];
    if (matches.length > 0) break;
  }
  if (matches.length === 0) return undefined;
  const quotes = new Map<string, number>();
  const delims = new Map<string, number>();
  let spaces = 0;
  for (const m of matches) {
    const g = m.groups!;
    if (g.quote) quotes.set(g.quote, (quotes.get(g.quote) ?? 0) + 1);
    if (g.delim === undefined) continue;
    if (g.delim && (delimiters === undefined || delimiters.includes(g.delim))) {
      delims.set(g.delim, (delims.get(g.delim) ?? 0) + 1);
    }
    if (g.space) spaces++;
  }
  const quotechar = argmax(quotes);
  let delimiter = '';
  let skipinitialspace = false;
  if (delims.size > 0) {
    delimiter = argmax(delims);
    skipinitialspace = delims.get(delimiter) === spaces;
    if (delimiter === '\n') delimiter = '';
  }
  const d = escapeRegExp(delimiter);
  const q = quotechar;
  const notDelim = `[^${d}\\n]*`;
  const dq = new RegExp(
    `((${d})|${BOL})[^${W}]*${q}${notDelim}${q}${notDelim}${q}[^${W}]*((${d})|${EOL})`,
    'u',
  );
  return { quotechar, doublequote: dq.test(data), delimiter, skipinitialspace };
}

function guessDelimiter(sample: string, delimiters: string | undefined): [string, boolean] {
  const data = sample.split('\n').filter((line) => line !== '');
  const chunkLength = Math.min(10, data.length);
  let iteration = 0;
  // For each ASCII char: frequency-per-line -> number of lines, in insertion order.
  const charFrequency = new Map<number, Map<number, number>>();
  const modes = new Map<number, [number, number]>();
  const delims = new Map<number, [number, number]>();
  const counts = new Int32Array(127);
  let start = 0;
  let end = chunkLength;
  const skipSpace = (delim: string) => count(data[0]!, delim) === count(data[0]!, `${delim} `);
  while (start < data.length) {
    iteration++;
    for (const line of data.slice(start, end)) {
      counts.fill(0);
      for (let k = 0; k < line.length; k++) {
        const c = line.charCodeAt(k);
        if (c < 127) counts[c]!++;
      }
      for (let c = 0; c < 127; c++) {
        let meta = charFrequency.get(c);
        if (!meta) {
          meta = new Map();
          charFrequency.set(c, meta);
        }
        const freq = counts[c]!;
        meta.set(freq, (meta.get(freq) ?? 0) + 1);
      }
    }
    for (const [c, meta] of charFrequency) {
      const items = [...meta.entries()];
      if (items.length === 1 && items[0]![0] === 0) continue;
      if (items.length > 1) {
        let best = items[0]!;
        for (const item of items) if (item[1] > best[1]) best = item;
        let others = 0;
        let removed = false;
        for (const item of items) {
          if (!removed && item[0] === best[0] && item[1] === best[1]) removed = true;
          else others += item[1];
        }
        modes.set(c, [best[0], best[1] - others]);
      } else {
        modes.set(c, items[0]!);
      }
    }
    const total = Math.min(chunkLength * iteration, data.length);
    let consistency = 1.0;
    const threshold = 0.9;
    while (delims.size === 0 && consistency >= threshold) {
      for (const [c, v] of modes) {
        if (v[0] > 0 && v[1] > 0) {
          if (
            v[1] / total >= consistency &&
            (delimiters === undefined || delimiters.includes(String.fromCharCode(c)))
          ) {
            delims.set(c, v);
          }
        }
      }
      consistency -= 0.01;
    }
    if (delims.size === 1) {
      const delim = String.fromCharCode([...delims.keys()][0]!);
      return [delim, skipSpace(delim)];
    }
    start = end;
    end += chunkLength;
  }
  if (delims.size === 0) return ['', false];
  if (delims.size > 1) {
    for (const d of PREFERRED) {
      if (delims.has(d.charCodeAt(0))) return [d, skipSpace(d)];
    }
  }
  // Python sorts (mode, char) tuples and takes the last one.
  const items = [...delims.entries()].sort(
    (a, b) =>
      a[1][0] - b[1][0] ||
      a[1][1] - b[1][1] ||
      (String.fromCharCode(a[0]) < String.fromCharCode(b[0]) ? -1 : 1),
  );
  const delim = String.fromCharCode(items[items.length - 1]![0]);
  return [delim, skipSpace(delim)];
}

function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** Python's `complex(text)` succeeds (what `has_header` uses to call a column numeric). */
function isComplex(text: string): boolean {
  let t = text.trim();
  if (t.startsWith('(') && t.endsWith(')')) t = t.slice(1, -1).trim();
  if (t === '') return false;
  if (parsePythonFloat(t) !== undefined) return true;
  if (!/[jJ]$/.test(t)) return false;
  const body = t.slice(0, -1);
  if (body === '' || body === '+' || body === '-') return true;
  if (parsePythonFloat(body) !== undefined) return true;
  // real part followed by a signed imaginary part: split at the last sign not after an exponent marker
  for (let k = body.length - 1; k > 0; k--) {
    const ch = body[k];
    if ((ch === '+' || ch === '-') && !/[eE]/.test(body[k - 1]!)) {
      const real = body.slice(0, k);
      const imag = body.slice(k);
      return (
        parsePythonFloat(real) !== undefined &&
        !/\s/.test(real) &&
        (imag.length === 1 || parsePythonFloat(imag) !== undefined) &&
        !/\s/.test(imag)
      );
    }
  }
  return false;
}

/**
 * Guesses the dialect of a CSV sample and whether it starts with a header, with the same heuristics
 * (and the same answers) as Python's `csv.Sniffer`.
 *
 * @example
 * const d = new Sniffer().sniff('a;b\n1;2\n'); // d.delimiter === ';'
 * new Sniffer().hasHeader('name,age\nAna,31\nBen,42\n'); // true
 */
export class Sniffer {
  /** Delimiters preferred when several are equally plausible. */
  readonly preferred: readonly string[] = PREFERRED;

  /**
   * Returns the dialect of `sample`. `delimiters` limits the candidates (a string of characters).
   *
   * @throws {CsvError} `CSV_SNIFF_FAILED` when no delimiter can be determined.
   */
  sniff(sample: string, delimiters?: string): Dialect {
    if (typeof sample !== 'string') throw new TypeError('sniff() takes a string sample');
    if (delimiters !== undefined && typeof delimiters !== 'string') {
      throw new CsvError('CSV_INVALID_OPTION', '`delimiters` must be a string of candidate characters', {
        value: delimiters,
      });
    }
    const guess = guessQuoteAndDelimiter(sample, delimiters);
    let quotechar = guess?.quotechar ?? '';
    const doublequote = guess?.doublequote ?? false;
    let delimiter = guess?.delimiter ?? '';
    let skipinitialspace = guess?.skipinitialspace ?? false;
    if (delimiter === '') {
      [delimiter, skipinitialspace] = guessDelimiter(sample, delimiters);
    }
    if (delimiter === '') {
      throw new CsvError('CSV_SNIFF_FAILED', 'could not determine delimiter', {
        value: sample.slice(0, 200),
      });
    }
    quotechar ||= '"';
    return Object.freeze({
      delimiter,
      quotechar,
      escapechar: null,
      doublequote,
      skipinitialspace,
      lineterminator: '\r\n',
      quoting: QUOTE_MINIMAL,
      strict: false,
    });
  }

  /**
   * Guesses whether the first row of `sample` is a header: columns whose values in the next rows all
   * have one type (numeric, or one length) vote on whether the first row's value fits that type.
   */
  hasHeader(sample: string): boolean {
    const dialect = this.sniff(sample);
    const parser = new Parser(dialect, Number.POSITIVE_INFINITY);
    try {
      parser.feed(sample, true);
    } catch {
      // A malformed tail of a sample: judge by the rows read before it, as Python does.
    }
    const rows = parser.rows as string[][];
    const header = rows[0];
    if (!header)
      throw new CsvError('CSV_SNIFF_FAILED', 'the sample has no rows', { value: sample.slice(0, 200) });
    const columns = header.length;
    const types = new Map<number, 'complex' | number | null>();
    for (let k = 0; k < columns; k++) types.set(k, null);
    let checked = 0;
    for (const row of rows.slice(1)) {
      if (checked > 20) break;
      checked++;
      if (row.length !== columns) continue;
      for (const col of [...types.keys()]) {
        const value = row[col]!;
        const type = isComplex(value) ? 'complex' : codePoints(value);
        const known = types.get(col);
        if (type !== known) {
          if (known === null) types.set(col, type);
          else types.delete(col);
        }
      }
    }
    let votes = 0;
    for (const [col, type] of types) {
      const value = header[col]!;
      if (typeof type === 'number') votes += codePoints(value) !== type ? 1 : -1;
      else if (type === 'complex') votes += isComplex(value) ? -1 : 1;
      else votes += 1;
    }
    return votes > 0;
  }
}
