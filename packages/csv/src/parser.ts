import { type Dialect, QUOTE_NONE, QUOTE_NONNUMERIC, QUOTE_STRINGS } from './dialect.js';
import { CsvParseError } from './errors.js';
import { parsePythonFloat } from './number.js';

/** A value the reader produces: text, or a number/null under the converting quoting modes. */
export type Field = string | number | null;

// The states of Python's reader (Modules/_csv.c). AFTER_ESCAPED_CRNL and EAT_CRNL need no state of
// their own here: line ends are handled as a unit (see lineEnd), which is where those states live.
const START_RECORD = 0;
const START_FIELD = 1;
const ESCAPED_CHAR = 2;
const IN_FIELD = 3;
const IN_QUOTED_FIELD = 4;
const ESCAPE_IN_QUOTED_FIELD = 5;
const QUOTE_IN_QUOTED_FIELD = 6;

// How the current field began, which decides QUOTE_NONNUMERIC/STRINGS/NOTNULL conversion.
const BEGAN_PLAIN = 0;
const BEGAN_QUOTED = 1;
const BEGAN_ESCAPED = 2;

const LF = 10;
const CR = 13;
const SPACE = 32;

// Emptied by pop() rather than written as [] so that its copies start with the elements kind of an
// array of strings: the first push then needs no elements-kind transition.
const NO_FIELDS: Field[] = (() => {
  const fields: Field[] = [''];
  fields.pop();
  return fields;
})();

/**
 * A new empty row. Not an array literal on purpose: V8 tracks where literals are allocated and, when
 * many rows from one place survive a young-generation GC (a parsed batch waiting to be read), starts
 * allocating them in the old generation. Dead old rows then keep their young field strings alive
 * through every young GC, and the reader slowed to a third of its speed in some runs. A copy made by
 * slice() has no allocation site, so rows always start young.
 */
function newRow(): Field[] {
  return NO_FIELDS.slice();
}

/** Index of `ch` in `s` from `from`, or `n` (the end of the part being parsed) when it is not there. */
function findOr(s: string, ch: string, from: number, n: number): number {
  const k = s.indexOf(ch, from);
  return k === -1 || k > n ? n : k;
}

/** Index of the first `stop`, `e`, CR or LF in `s` from `i`, or `n`; none of them sorts above `max`. */
function scan(s: string, i: number, n: number, max: number, stop: number, e: number): number {
  let j = i;
  while (j < n) {
    const c = s.charCodeAt(j);
    // Most characters sort above every special one: a single comparison lets them through.
    if (c <= max && (c === stop || c === LF || c === CR || c === e)) break;
    j++;
  }
  return j;
}

/**
 * Python's csv reader as a resumable state machine over text chunks. Chunks may split the input
 * anywhere; a CR at the end of a chunk is held back until the next chunk shows whether an LF follows,
 * because Python reads `\r\n` as one line end and a lone `\r` as another.
 *
 * Rows are appended to `rows` (with the line number Python's `line_num` would show in `rowLines`);
 * the caller drains both.
 */
export class Parser {
  rows: Field[][] = [];
  rowLines: number[] = [];
  /** Lines fully read so far (Python's `line_num`). */
  line = 0;
  /** Rows produced so far. */
  records = 0;
  /** The input ended inside a quoted field or right after an escape (what strict mode rejects). */
  cutShort = false;

  private state = START_RECORD;
  private field = '';
  private began = BEGAN_PLAIN;
  private row = newRow();
  private carry = '';
  private offset = 0;
  private lineStart = 0;
  private done = false;
  private atEnd = false;
  private escapedLineEnd = false;

  private readonly d: number;
  private readonly dAfterQuote: number;
  private readonly q: number;
  private readonly e: number;
  private readonly skipSpace: boolean;
  private readonly doublequote: boolean;
  private readonly strict: boolean;
  private readonly quoting: number;
  private readonly limit: number;
  /** No quoting mode that converts fields: a field is saved as it is. */
  private readonly plain: boolean;
  /** The dialect allows the whole-record fast path (see `fastRecords`). */
  private readonly fastOk: boolean;
  private readonly dChar: string;
  private readonly qChar: string;
  // Positions of the next delimiter, quote, LF and CR in the current chunk, found with indexOf and
  // reused until the parse passes them (-1: not searched yet; the end of the text: there is none).
  private nD = -1;
  private nQ = -1;
  private nLF = -1;
  private nCR = -1;

  /** `fastPath: false` reads every record with the state machine (the tests compare both ways). */
  constructor(dialect: Dialect, fieldLimit: number, fastPath = true) {
    const d = dialect.delimiter.charCodeAt(0);
    // Only the Sniffer makes a CR or LF delimiter. Python checks for a line break before the delimiter
    // everywhere except right after a closing quote, so such a delimiter only counts there.
    this.d = d === CR || d === LF ? -1 : d;
    this.dAfterQuote = d;
    // Python ignores quotechar entirely when reading with QUOTE_NONE.
    this.q =
      dialect.quotechar === null || dialect.quoting === QUOTE_NONE ? -1 : dialect.quotechar.charCodeAt(0);
    this.e = dialect.escapechar === null ? -1 : dialect.escapechar.charCodeAt(0);
    this.skipSpace = dialect.skipinitialspace;
    this.doublequote = dialect.doublequote;
    this.strict = dialect.strict;
    this.quoting = dialect.quoting;
    this.limit = fieldLimit;
    this.plain = dialect.quoting < QUOTE_NONNUMERIC || dialect.quoting === QUOTE_NONE;
    this.dChar = dialect.delimiter;
    this.qChar = this.q === -1 ? '' : String.fromCharCode(this.q);
    this.fastOk =
      fastPath &&
      this.plain &&
      this.d !== -1 &&
      this.q !== CR &&
      this.q !== LF &&
      this.e === -1 &&
      !this.skipSpace &&
      this.doublequote;
  }

  /** Hands over the rows produced so far (and their line numbers) and starts new lists. */
  take(): [Field[][], number[]] {
    const out: [Field[][], number[]] = [this.rows, this.rowLines];
    this.rows = [];
    this.rowLines = [];
    return out;
  }

  /** Parses one chunk of text; `final` marks the end of the input. */
  feed(chunk: string, final: boolean): void {
    if (this.done) return;
    let s = chunk;
    if (this.carry !== '') {
      s = this.carry + s;
      this.carry = '';
    }
    let n = s.length;
    if (!final && n > 0 && s.charCodeAt(n - 1) === CR) {
      this.carry = '\r';
      n--;
    }
    const d = this.d;
    const q = this.q;
    const e = this.e;
    const limit = this.limit;
    const maxPlain = Math.max(d, e, CR);
    const maxQuoted = Math.max(q, e, CR);
    const plain = this.plain;
    let state = this.state;
    let field = this.field;
    let i = 0;
    let c = 0;
    let j = 0;
    let nextLF = -1;
    let nextCR = -1;
    const qChar = this.qChar;
    const fastOk = this.fastOk;
    // After the fast path stops at a record it does not take, the state machine reads that record.
    let slow = false;
    this.nD = this.nQ = this.nLF = this.nCR = -1;

    try {
      while (i < n) {
        switch (state) {
          case START_RECORD:
            if (fastOk && !slow) {
              i = this.fastRecords(s, i, n);
              slow = true;
              break;
            }
            slow = false;
            c = s.charCodeAt(i);
            if (c === LF || c === CR) {
              i = this.lineEnd(s, i, n);
              this.emit();
              break;
            }
            state = START_FIELD;
            break;
          case START_FIELD:
            c = s.charCodeAt(i);
            if (c === LF || c === CR) {
              this.save('');
              i = this.lineEnd(s, i, n);
              this.emit();
              state = START_RECORD;
              break;
            }
            if (c === q) {
              this.began = BEGAN_QUOTED;
              state = IN_QUOTED_FIELD;
              i++;
              break;
            }
            if (c === e) {
              this.began = BEGAN_ESCAPED;
              state = ESCAPED_CHAR;
              i++;
              break;
            }
            if (c === SPACE && this.skipSpace) {
              i++;
              break;
            }
            if (c === d) {
              this.save('');
              i++;
              break;
            }
            state = IN_FIELD;
            this.escapedLineEnd = false;
            break;
          case IN_FIELD:
            j = scan(s, i, n, maxPlain, d, e);
            c = j < n ? s.charCodeAt(j) : 0;
            if (j > i) {
              field = field === '' ? s.slice(i, j) : field + s.slice(i, j);
              if (field.length > limit) this.tooLarge(j);
            }
            if (j === n) {
              i = n;
              break;
            }
            if (c === d) {
              if (plain) this.row.push(field);
              else this.save(field);
              field = '';
              state = START_FIELD;
              i = j + 1;
            } else if (c === e) {
              state = ESCAPED_CHAR;
              i = j + 1;
            } else {
              if (plain) this.row.push(field);
              else this.save(field);
              field = '';
              i = this.lineEnd(s, j, n);
              this.emit();
              state = START_RECORD;
            }
            break;
          case ESCAPED_CHAR:
            c = s.charCodeAt(i);
            if (c === CR && i + 1 < n && s.charCodeAt(i + 1) === LF) {
              // Python keeps the escaped CR, then the LF ends the record (AFTER_ESCAPED_CRNL).
              field += '\r';
              if (field.length > limit) this.tooLarge(i);
              this.save(field);
              field = '';
              i = this.lineEnd(s, i, n);
              this.emit();
              state = START_RECORD;
              break;
            }
            field += s[i];
            if (field.length > limit) this.tooLarge(i);
            // Python stays in AFTER_ESCAPED_CRNL (read like IN_FIELD) until the next delimiter or line
            // end; only at the end of the input does the difference show.
            if (c === LF || c === CR) {
              i = this.lineEnd(s, i, n);
              this.escapedLineEnd = true;
            } else {
              i++;
              this.escapedLineEnd = false;
            }
            state = IN_FIELD;
            break;
          case IN_QUOTED_FIELD:
            if (e === -1) {
              // No escape character: jump to the next quote or line break with indexOf, which scans
              // far faster than a character loop. Line break positions are found once and reused.
              if (nextLF < i) nextLF = findOr(s, '\n', i, n);
              if (nextCR < i) nextCR = findOr(s, '\r', i, n);
              j = findOr(s, qChar, i, n);
              if (nextLF < j) j = nextLF;
              if (nextCR < j) j = nextCR;
            } else {
              j = scan(s, i, n, maxQuoted, q, e);
            }
            c = j < n ? s.charCodeAt(j) : 0;
            if (j > i) {
              field = field === '' ? s.slice(i, j) : field + s.slice(i, j);
              if (field.length > limit) this.tooLarge(j);
            }
            if (j === n) {
              i = n;
              break;
            }
            if (c === q) {
              state = this.doublequote ? QUOTE_IN_QUOTED_FIELD : IN_FIELD;
              this.escapedLineEnd = false;
              i = j + 1;
            } else if (c === e) {
              state = ESCAPE_IN_QUOTED_FIELD;
              i = j + 1;
            } else {
              i = this.lineEnd(s, j, n);
              field += s.slice(j, i);
              if (field.length > limit) this.tooLarge(j);
            }
            break;
          case ESCAPE_IN_QUOTED_FIELD:
            c = s.charCodeAt(i);
            field += s[i];
            if (field.length > limit) this.tooLarge(i);
            if (c === LF || (c === CR && !(i + 1 < n && s.charCodeAt(i + 1) === LF)))
              i = this.lineEnd(s, i, n);
            else i++;
            state = IN_QUOTED_FIELD;
            break;
          default:
            // QUOTE_IN_QUOTED_FIELD
            c = s.charCodeAt(i);
            if (c === q) {
              field += s[i];
              if (field.length > limit) this.tooLarge(i);
              state = IN_QUOTED_FIELD;
              i++;
            } else if (c === this.dAfterQuote) {
              this.save(field);
              field = '';
              state = START_FIELD;
              i++;
            } else if (c === LF || c === CR) {
              this.save(field);
              field = '';
              i = this.lineEnd(s, i, n);
              this.emit();
              state = START_RECORD;
            } else if (!this.strict) {
              field += s[i];
              if (field.length > limit) this.tooLarge(i);
              state = IN_FIELD;
              this.escapedLineEnd = false;
              i++;
            } else {
              throw this.error(
                'CSV_UNEXPECTED_CHAR',
                `${JSON.stringify(String.fromCharCode(d))} expected after ${JSON.stringify(String.fromCharCode(q))}`,
                i,
              );
            }
        }
      }
    } catch (err) {
      this.done = true;
      throw err;
    }
    this.offset += n;
    this.state = state;
    this.field = field;
    if (final) this.finish();
  }

  /**
   * Reads whole records from `i` for the common dialects (no escapechar, no skipinitialspace, doubled
   * quotes, no converting quoting mode), finding every stop character with indexOf instead of walking
   * the state machine one character at a time. It commits a record only once its line break is in
   * this chunk, and stops at the start of any record it cannot read plainly (a field over the limit,
   * text after a closing quote, the end of the chunk), leaving that record to the state machine,
   * which gives the same rows, line numbers and errors as for any other input.
   * Returns the index of the first record it did not take.
   */
  private fastRecords(s: string, i: number, n: number): number {
    const q = this.q;
    const d = this.d;
    const limit = this.limit;
    const dChar = this.dChar;
    const qChar = this.qChar;
    let nD = this.nD;
    let nQ = this.nQ;
    let nLF = this.nLF;
    let nCR = this.nCR;
    // `line` counts line breaks as they are read; `done` is its value at the last whole record.
    let line = this.line;
    let done = line;
    const rows = this.rows;
    const rowLines = this.rowLines;
    let start = i;
    let row = newRow();
    // Index stores, not push(): V8 does not inline Array.prototype.push here, and the builtin call cost
    // more than any other part of reading a field.
    let cols = 0;
    const first = rows.length;
    let nRows = first;
    let a = i;
    let c = 0;
    let j = 0;
    outer: while (a < n) {
      c = s.charCodeAt(a);
      if (a === start && (c === LF || c === CR)) {
        // An empty line is an empty row: the line break at j ends it.
        j = a;
      } else if (c === q) {
        // Quoted field: jump from quote to quote; a doubled quote is one quote of the text.
        let field = '';
        let k = a + 1;
        for (;;) {
          if (nQ < k) nQ = findOr(s, qChar, k, n);
          j = nQ;
          if (j + 1 >= n) break outer;
          // Line breaks inside the quotes count as lines, as in Python (CRLF once).
          while (nLF < j || nCR < j) {
            if (nLF < k) nLF = findOr(s, '\n', k, n);
            if (nCR < k) nCR = findOr(s, '\r', k, n);
            if (nCR < nLF) {
              if (nCR >= j) break;
              line++;
              k = nCR + 1;
              if (nLF === k) nLF = findOr(s, '\n', k + 1, n);
            } else {
              if (nLF >= j) break;
              line++;
              k = nLF + 1;
            }
          }
          k = j + 1;
          c = s.charCodeAt(k);
          if (c !== q) break;
          field = field === '' ? s.slice(a + 1, k) : field + s.slice(a + 1, k);
          a = k;
          k++;
        }
        field = field === '' ? s.slice(a + 1, j) : field + s.slice(a + 1, j);
        if (field.length > limit) break;
        row[cols++] = field;
        if (c === d) {
          a = j + 2;
          continue;
        }
        if (c !== LF && c !== CR) break;
        j++;
      } else {
        // Unquoted field: it ends at the next delimiter or line break (a quote inside is text).
        if (nD < a) nD = findOr(s, dChar, a, n);
        if (nLF < a) nLF = findOr(s, '\n', a, n);
        if (nCR < a) nCR = findOr(s, '\r', a, n);
        j = nD;
        if (nLF < j) j = nLF;
        if (nCR < j) j = nCR;
        if (j === n || j - a > limit) break;
        row[cols++] = s.slice(a, j);
        if (j === nD) {
          a = j + 1;
          continue;
        }
        c = s.charCodeAt(j);
      }
      // A line break at j ends the record.
      a = c === CR && j + 1 < n && s.charCodeAt(j + 1) === LF ? j + 2 : j + 1;
      rows[nRows] = row;
      rowLines[nRows++] = ++line;
      done = line;
      row = newRow();
      cols = 0;
      start = a;
    }
    this.nD = nD;
    this.nQ = nQ;
    this.nLF = nLF;
    this.nCR = nCR;
    if (nRows > first) {
      this.line = done;
      this.records += nRows - first;
      this.lineStart = this.offset + start;
    }
    return start;
  }

  /** End of input: Python's EOL for a last line without a line break, then its end-of-data rule. */
  private finish(): void {
    this.done = true;
    this.atEnd = true;
    let state = this.state;
    let field = this.field;
    if (this.offset > this.lineStart) {
      this.line++;
      const inField = state === IN_FIELD && !this.escapedLineEnd;
      if (state === START_FIELD || inField || state === QUOTE_IN_QUOTED_FIELD) {
        this.save(field);
        this.field = '';
        this.emit();
        this.state = START_RECORD;
        return;
      }
      if (state === ESCAPED_CHAR || state === ESCAPE_IN_QUOTED_FIELD) {
        field += '\n';
        if (field.length > this.limit) this.tooLarge(0);
        state = state === ESCAPED_CHAR ? IN_FIELD : IN_QUOTED_FIELD;
      }
    }
    if (field.length !== 0 || state === IN_QUOTED_FIELD) {
      this.cutShort = true;
      if (this.strict) {
        const quoted = state === IN_QUOTED_FIELD;
        throw new CsvParseError(
          quoted ? 'CSV_UNTERMINATED_QUOTE' : 'CSV_UNEXPECTED_END',
          quoted ? 'unexpected end of data: a quoted field is not closed' : 'unexpected end of data',
          { line: this.line, record: this.records + 1 },
        );
      }
      this.save(field);
      this.emit();
    }
    this.field = '';
    this.state = START_RECORD;
  }

  /** Consumes the line break at `j` (CR, LF or CRLF) and returns the index after it. */
  private lineEnd(s: string, j: number, n: number): number {
    let k = j + 1;
    if (s.charCodeAt(j) === CR && k < n && s.charCodeAt(k) === LF) k++;
    this.line++;
    this.lineStart = this.offset + k;
    return k;
  }

  private save(text: string): void {
    const began = this.began;
    this.began = BEGAN_PLAIN;
    const quoting = this.quoting;
    if (quoting < QUOTE_NONNUMERIC || quoting === QUOTE_NONE || began === BEGAN_QUOTED) {
      this.row.push(text);
      return;
    }
    if (quoting === QUOTE_NONNUMERIC) {
      // Python 3.11 converts only fields that began with an ordinary character.
      this.row.push(began === BEGAN_PLAIN && text !== '' ? this.toNumber(text) : text);
    } else if (text === '') {
      this.row.push(null);
    } else {
      this.row.push(quoting === QUOTE_STRINGS ? this.toNumber(text) : text);
    }
  }

  private toNumber(text: string): number {
    const value = parsePythonFloat(text);
    if (value === undefined) {
      throw new CsvParseError(
        'CSV_NOT_A_NUMBER',
        `could not convert string to float: ${JSON.stringify(text)}`,
        {
          line: this.atEnd ? this.line : this.line + 1,
          record: this.records + 1,
          value: text,
        },
      );
    }
    return value;
  }

  private emit(): void {
    this.rows.push(this.row);
    this.rowLines.push(this.line);
    this.row = newRow();
    this.records++;
  }

  private tooLarge(i: number): never {
    throw this.error('CSV_FIELD_TOO_LARGE', `field larger than field limit (${this.limit})`, i);
  }

  private error(code: 'CSV_UNEXPECTED_CHAR' | 'CSV_FIELD_TOO_LARGE', message: string, i: number) {
    return new CsvParseError(code, message, {
      line: this.line + 1,
      column: Math.max(1, this.offset + i - this.lineStart + 1),
      record: this.records + 1,
    });
  }
}
