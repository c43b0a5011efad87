import { CsvError } from './errors.js';

/** Quote only fields that contain a special character (delimiter, quotechar, CR, LF, lineterminator). */
export const QUOTE_MINIMAL = 0;
/** Quote every field. */
export const QUOTE_ALL = 1;
/** Writer: quote every non-number. Reader: unquoted fields become numbers. */
export const QUOTE_NONNUMERIC = 2;
/** Never quote; special characters are escaped with `escapechar`. The reader ignores `quotechar`. */
export const QUOTE_NONE = 3;
/** Writer: quote strings only. Reader: unquoted empty fields become `null`, other unquoted fields numbers. */
export const QUOTE_STRINGS = 4;
/** Writer: quote everything but `null`/`undefined`. Reader: unquoted empty fields become `null`. */
export const QUOTE_NOTNULL = 5;

/** One of the `QUOTE_*` constants (the same numbers Python uses). */
export type Quoting =
  | typeof QUOTE_MINIMAL
  | typeof QUOTE_ALL
  | typeof QUOTE_NONNUMERIC
  | typeof QUOTE_NONE
  | typeof QUOTE_STRINGS
  | typeof QUOTE_NOTNULL;

/** A fully resolved, frozen dialect: every formatting parameter Python's `csv.Dialect` has. */
export interface Dialect {
  /** One character that separates fields. */
  readonly delimiter: string;
  /** One character that quotes fields, or `null` (only with `QUOTE_NONE`). */
  readonly quotechar: string | null;
  /** One character that escapes the next one, or `null` for none. */
  readonly escapechar: string | null;
  /** A quotechar inside a quoted field is written (and read) doubled. */
  readonly doublequote: boolean;
  /** Spaces right after a delimiter are ignored by the reader. */
  readonly skipinitialspace: boolean;
  /** What the writer ends each row with. The reader accepts `\r`, `\n` and `\r\n` whatever this is. */
  readonly lineterminator: string;
  /** One of the `QUOTE_*` constants. */
  readonly quoting: Quoting;
  /** Malformed input throws instead of being read the lenient way Python does. */
  readonly strict: boolean;
}

/** Formatting parameters; each one not given comes from `dialect` (default `'excel'`). */
export interface DialectOptions {
  /** A registered dialect name or a dialect object to start from. @default 'excel' */
  dialect?: string | Partial<Dialect>;
  /** @default ',' */
  delimiter?: string;
  /** @default '"' */
  quotechar?: string | null;
  /** @default null */
  escapechar?: string | null;
  /** @default true */
  doublequote?: boolean;
  /** @default false */
  skipinitialspace?: boolean;
  /** @default '\r\n' */
  lineterminator?: string;
  /** @default QUOTE_MINIMAL */
  quoting?: Quoting;
  /** @default false */
  strict?: boolean;
}

export const DIALECT_KEYS = [
  'delimiter',
  'quotechar',
  'escapechar',
  'doublequote',
  'skipinitialspace',
  'lineterminator',
  'quoting',
  'strict',
] as const;

const EXCEL: Dialect = Object.freeze({
  delimiter: ',',
  quotechar: '"',
  escapechar: null,
  doublequote: true,
  skipinitialspace: false,
  lineterminator: '\r\n',
  quoting: QUOTE_MINIMAL,
  strict: false,
});

const registry = new Map<string, Dialect>([
  ['excel', EXCEL],
  ['excel-tab', Object.freeze({ ...EXCEL, delimiter: '\t' })],
  ['unix', Object.freeze({ ...EXCEL, lineterminator: '\n', quoting: QUOTE_ALL })],
]);

/**
 * Checks that `options` is an object whose keys are all `known` (or `extra`): anything else is a
 * `TypeError` naming the option and `where` it was passed, as for every options object of this package.
 */
export function checkOptions(
  options: unknown,
  known: ReadonlySet<string>,
  where: string,
  extra: readonly string[] = [],
): void {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  for (const key of Object.keys(options)) {
    if (!known.has(key) && !extra.includes(key)) throw new TypeError(`Unknown ${where} option \`${key}\``);
  }
}

function invalid(message: string, value: unknown): CsvError {
  return new CsvError('CSV_INVALID_OPTION', message, { value });
}

function unknownDialect(name: string): CsvError {
  return new CsvError('CSV_UNKNOWN_DIALECT', `unknown dialect ${JSON.stringify(name)}`, { value: name });
}

function oneChar(name: string, value: unknown, nullable: boolean): string | null {
  if (value === null && nullable) return null;
  if (typeof value !== 'string' || value.length !== 1) {
    throw invalid(
      `\`${name}\` must be a 1-character string${nullable ? ' or null' : ''}, got ${JSON.stringify(value)}`,
      value,
    );
  }
  return value;
}

function bool(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw invalid(`\`${name}\` must be a boolean, got ${String(value)}`, value);
  return value;
}

function baseDialect(spec: string | Partial<Dialect> | undefined): Dialect {
  if (spec === undefined) return EXCEL;
  if (typeof spec === 'string') return getDialect(spec);
  if (typeof spec !== 'object' || spec === null) {
    throw invalid('`dialect` must be a registered name or a dialect object', spec);
  }
  return resolve(EXCEL, spec, 'dialect');
}

function resolve(base: Dialect, raw: Partial<Record<string, unknown>>, where: string): Dialect {
  for (const key of Object.keys(raw)) {
    if (!(DIALECT_KEYS as readonly string[]).includes(key)) {
      throw new TypeError(`Unknown ${where} option \`${key}\``);
    }
  }
  const pick = <K extends keyof Dialect>(key: K): unknown => (raw[key] === undefined ? base[key] : raw[key]);
  const delimiter = oneChar('delimiter', pick('delimiter'), false)!;
  const quotechar = oneChar('quotechar', pick('quotechar'), true);
  const escapechar = oneChar('escapechar', pick('escapechar'), true);
  const doublequote = bool('doublequote', pick('doublequote'));
  const skipinitialspace = bool('skipinitialspace', pick('skipinitialspace'));
  const strict = bool('strict', pick('strict'));
  const lineterminator = pick('lineterminator');
  if (typeof lineterminator !== 'string') {
    throw invalid(`\`lineterminator\` must be a string, got ${String(lineterminator)}`, lineterminator);
  }
  const quoting = pick('quoting');
  if (typeof quoting !== 'number' || !Number.isInteger(quoting) || quoting < 0 || quoting > 5) {
    throw invalid(`\`quoting\` must be one of the QUOTE_* constants, got ${String(quoting)}`, quoting);
  }
  // Later Python versions reject these combinations: each would make output that cannot be read back.
  for (const [name, ch] of [
    ['delimiter', delimiter],
    ['quotechar', quotechar],
    ['escapechar', escapechar],
  ] as const) {
    if (ch === '\r' || ch === '\n') throw invalid(`\`${name}\` cannot be a line break`, ch);
  }
  if (quotechar === null && quoting !== QUOTE_NONE) {
    throw invalid('`quotechar` must be set unless `quoting` is QUOTE_NONE', quotechar);
  }
  if (quotechar === delimiter) throw invalid('`quotechar` and `delimiter` must differ', quotechar);
  if (escapechar !== null && (escapechar === delimiter || escapechar === quotechar)) {
    throw invalid('`escapechar` must differ from `delimiter` and `quotechar`', escapechar);
  }
  return Object.freeze({
    delimiter,
    quotechar,
    escapechar,
    doublequote,
    skipinitialspace,
    lineterminator,
    quoting: quoting as Quoting,
    strict,
  });
}

/**
 * Resolves `options` (a dialect name or object plus individual overrides) into a validated, frozen
 * {@link Dialect}. Unknown keys are a `TypeError`; bad values a `CsvError` with code `CSV_INVALID_OPTION`.
 *
 * @example
 * makeDialect({ dialect: 'excel-tab', quoting: QUOTE_ALL }).delimiter; // '\t'
 */
export function makeDialect(options: DialectOptions = {}): Dialect {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  const { dialect, ...rest } = options;
  return resolve(baseDialect(dialect), rest, 'dialect');
}

/**
 * Registers a dialect under `name` (replacing one of the same name), like Python's `csv.register_dialect`.
 *
 * @example
 * registerDialect('pipes', { delimiter: '|', quoting: QUOTE_NONE, escapechar: '\\' });
 * parse('a|b\n', { dialect: 'pipes' }); // [['a', 'b']]
 */
export function registerDialect(name: string, options: DialectOptions = {}): Dialect {
  if (typeof name !== 'string' || name === '') throw invalid('dialect name must be a non-empty string', name);
  const dialect = makeDialect(options);
  registry.set(name, dialect);
  return dialect;
}

/**
 * Returns the dialect registered under `name`.
 *
 * @throws {CsvError} `CSV_UNKNOWN_DIALECT` when no dialect has that name.
 * @example
 * getDialect('unix').lineterminator; // '\n'
 */
export function getDialect(name: string): Dialect {
  const found = registry.get(name);
  if (!found) throw unknownDialect(name);
  return found;
}

/**
 * Removes a registered dialect.
 *
 * @throws {CsvError} `CSV_UNKNOWN_DIALECT` when no dialect has that name.
 * @example
 * unregisterDialect('pipes');
 */
export function unregisterDialect(name: string): void {
  if (!registry.delete(name)) throw unknownDialect(name);
}

/**
 * Names of every registered dialect, built-ins (`excel`, `excel-tab`, `unix`) first.
 *
 * @example
 * listDialects(); // ['excel', 'excel-tab', 'unix']
 */
export function listDialects(): string[] {
  return [...registry.keys()];
}

let fieldLimit = 131072;

/**
 * Returns the current maximum field length (in UTF-16 code units) and, when `newLimit` is given,
 * sets a new one, like Python's `csv.field_size_limit`. A reader also takes a per-call `fieldSizeLimit`.
 *
 * @example
 * const old = fieldSizeLimit(1 << 20); // old === 131072
 */
export function fieldSizeLimit(newLimit?: number): number {
  const old = fieldLimit;
  if (newLimit !== undefined) {
    if (
      typeof newLimit !== 'number' ||
      !(Number.isInteger(newLimit) || newLimit === Number.POSITIVE_INFINITY) ||
      newLimit < 0
    ) {
      throw invalid(`field size limit must be a non-negative integer, got ${String(newLimit)}`, newLimit);
    }
    fieldLimit = newLimit;
  }
  return old;
}
