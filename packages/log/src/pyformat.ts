import { inspect } from 'node:util';
import { FormatError } from './errors.js';

/** Converts one value to its text in a compiled format. */
export type Convert = (value: unknown) => string;

/** One piece of a compiled format: literal text, or a field to look up and convert. */
export type Part =
  | string
  | { readonly key: string | null; readonly convert: Convert; readonly position: number };

/** A value printed by `%s`: strings as they are, other values as JavaScript shows them. */
export function toText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'object') {
    if (value instanceof Error) return value.message ? `${value.name}: ${value.message}` : value.name;
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
    const ts = (value as { toString?: unknown }).toString;
    if (!Array.isArray(value) && typeof ts === 'function' && ts !== Object.prototype.toString) {
      const s = String(value);
      if (!s.startsWith('[object ')) return s;
    }
    return inspect(value, { breakLength: Number.POSITIVE_INFINITY, depth: 4 });
  }
  return String(value);
}

/** `repr()` of a value: strings quoted, objects inspected. */
export function toRepr(value: unknown): string {
  return inspect(value, { breakLength: Number.POSITIVE_INFINITY, depth: 4 });
}

/** Python's `repr(float)`: `123.0`, `1e-05`, `1e+16`. */
export function pyFloatRepr(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-4 || a >= 1e16)) return fixExponent(v.toExponential());
  if (Number.isInteger(v)) return Object.is(v, -0) ? '-0.0' : `${v}.0`;
  return String(v);
}

/** JavaScript writes `1e+0`; Python writes at least two exponent digits, `1e+00`. */
function fixExponent(s: string): string {
  const i = s.indexOf('e');
  if (i < 0) return s;
  const sign = s[i + 1];
  const digits = s.slice(i + 2);
  return `${s.slice(0, i)}e${sign}${digits.length < 2 ? `0${digits}` : digits}`;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function toNumber(v: unknown, conv: string): number | bigint {
  if (typeof v === 'number' || typeof v === 'bigint') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  throw new TypeError(`%${conv} format: a real number is required, not ${typeName(v)}`);
}

/**
 * JavaScript breaks exact ties away from zero; Python rounds the exact binary value half to even.
 * A tie has a terminating expansion, so 30 more digits show whether `digits` came from one.
 */
function halfEven(rounded: string, exact: string, keep: number): string {
  const rest = exact.slice(keep);
  if (!/^5[0]*(e|$)/.test(rest)) return rounded;
  let truncated = exact.slice(0, keep);
  if (truncated.endsWith('.')) truncated = truncated.slice(0, -1);
  const last = truncated.replace(/\D/g, '').slice(-1);
  if (Number(last) % 2 === 1) return rounded;
  const e = exact.indexOf('e');
  return e < 0 ? truncated : truncated + exact.slice(e);
}

function fixedDigits(a: number, prec: number): string {
  if (a >= 1e21) {
    const int = BigInt(Math.round(a)).toString();
    return prec > 0 ? `${int}.${'0'.repeat(prec)}` : int;
  }
  const p = Math.min(prec, 100);
  const rounded = a.toFixed(p);
  if (p + 30 > 100) return rounded;
  const exact = a.toFixed(p + 30);
  return halfEven(rounded, exact, exact.length - 30);
}

function expDigits(a: number, prec: number): string {
  const p = Math.min(prec, 100);
  const rounded = a.toExponential(p);
  if (p + 30 > 100) return rounded;
  const exact = a.toExponential(p + 30);
  return halfEven(rounded, exact, exact.indexOf('e') - 30);
}

function stripZeros(s: string): string {
  if (!s.includes('.')) return s;
  s = s.replace(/0+$/, '');
  return s.endsWith('.') ? s.slice(0, -1) : s;
}

/** Digits of a non-negative float in `%e/%f/%g` form (without sign), Python's rules. */
export function floatDigits(a: number, conv: string, prec: number, alt: boolean): string {
  const lower = conv.toLowerCase();
  let s: string;
  if (Number.isNaN(a)) s = 'nan';
  else if (!Number.isFinite(a)) s = 'inf';
  else if (lower === 'f') {
    s = fixedDigits(a, prec);
    if (alt && prec === 0) s += '.';
  } else if (lower === 'e') {
    s = fixExponent(expDigits(a, prec));
    if (alt && prec === 0) s = s.replace('e', '.e');
  } else {
    const p = prec === 0 ? 1 : prec;
    const exp = a === 0 ? 0 : Number(expDigits(a, p - 1).split('e')[1]);
    if (exp >= -4 && exp < p) {
      s = fixedDigits(a, p - 1 - exp);
      if (!alt) s = stripZeros(s);
      else if (!s.includes('.')) s += '.';
    } else {
      s = expDigits(a, p - 1);
      const [m, e] = s.split('e') as [string, string];
      if (!alt) s = `${stripZeros(m)}e${e}`;
      else if (!m.includes('.')) s = `${m}.e${e}`;
      s = fixExponent(s);
    }
  }
  return conv === lower ? s : s.toUpperCase();
}

interface PercentSpec {
  flags: string;
  width: number;
  precision: number | null;
  conv: string;
}

function pad(body: string, sign: string, spec: { width: number; left: boolean; zero: boolean }): string {
  const len = body.length + sign.length;
  if (len >= spec.width) return sign + body;
  const n = spec.width - len;
  if (spec.left) return sign + body + ' '.repeat(n);
  if (spec.zero) return sign + '0'.repeat(n) + body;
  return ' '.repeat(n) + sign + body;
}

/** Builds the converter of one `%` spec (`-8s`, `03d`, `.3f` ...), Python's `%` operator semantics. */
function percentConverter(spec: PercentSpec, noneText: boolean, floatKeys: boolean): Convert {
  const { flags, width, precision, conv } = spec;
  const left = flags.includes('-');
  const zero = flags.includes('0') && !left;
  const plus = flags.includes('+');
  const space = flags.includes(' ');
  const alt = flags.includes('#');
  const padSpec = { width, left, zero };
  const signOf = (neg: boolean): string => (neg ? '-' : plus ? '+' : space ? ' ' : '');
  switch (conv) {
    case 's':
    case 'r':
    case 'a': {
      const base: Convert =
        conv === 's'
          ? floatKeys
            ? (v) => (typeof v === 'number' ? pyFloatRepr(v) : toText(v))
            : noneText
              ? (v) => (v === null || v === undefined ? 'None' : toText(v))
              : toText
          : floatKeys
            ? (v) => (typeof v === 'number' ? pyFloatRepr(v) : toRepr(v))
            : toRepr;
      if (width === 0 && precision === null) return base;
      return (v) => {
        let s = base(v);
        if (precision !== null) s = s.slice(0, precision);
        return pad(s, '', { width, left, zero: false });
      };
    }
    case 'c':
      return (v) => {
        let s: string;
        if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0x10ffff)
          s = String.fromCodePoint(v);
        else if (typeof v === 'string' && [...v].length === 1) s = v;
        else throw new TypeError('%c requires an integer in range or a single character');
        return pad(s, '', { width, left, zero: false });
      };
    case 'd':
    case 'i':
    case 'u':
    case 'x':
    case 'X':
    case 'o':
      return (v) => {
        const n = toNumber(v, conv);
        let big: bigint;
        if (typeof n === 'bigint') big = n;
        else {
          if (!Number.isFinite(n)) throw new TypeError(`cannot convert float ${String(n)} to integer`);
          if (conv !== 'd' && conv !== 'i' && conv !== 'u' && !Number.isInteger(n)) {
            throw new TypeError(`%${conv} format: an integer is required, not float`);
          }
          big = BigInt(Math.trunc(n));
        }
        const neg = big < 0n;
        const abs = neg ? -big : big;
        let digits =
          conv === 'x'
            ? abs.toString(16)
            : conv === 'X'
              ? abs.toString(16).toUpperCase()
              : conv === 'o'
                ? abs.toString(8)
                : abs.toString();
        if (precision !== null && digits.length < precision)
          digits = '0'.repeat(precision - digits.length) + digits;
        let prefix = '';
        if (alt) prefix = conv === 'x' ? '0x' : conv === 'X' ? '0X' : conv === 'o' ? '0o' : '';
        return pad(digits, signOf(neg) + prefix, padSpec);
      };
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G': {
      const prec = precision ?? 6;
      return (v) => {
        const n = Number(toNumber(v, conv));
        const neg = n < 0 || Object.is(n, -0);
        const body = floatDigits(Math.abs(n), conv, prec, alt);
        return pad(body, signOf(neg), Number.isFinite(n) ? padSpec : { width, left, zero: false });
      };
    }
    default:
      throw new TypeError(`unsupported format character ${JSON.stringify(conv)}`);
  }
}

const PERCENT = /%(?:\(([^)]*)\))?([-#0 +]*)(\d+)?(?:\.(\d*))?[hlL]?([diouxXeEfFgGcrsa%])?/g;

/** Options of the `%`, `{}` and `$` compilers. */
export interface CompileOptions {
  /** Print `null`/`undefined` field values as Python's `None`. */
  noneText?: boolean;
  /** Keys whose numbers Python holds as floats (`created`, `msecs`, `relativeCreated`). */
  floatKeys?: ReadonlySet<string>;
}

/** Compiles a `%`-style format (`%(name)-8s`, `%d`, `%%`) into parts, throwing FormatError on a bad spec. */
export function compilePercent(fmt: string, options: CompileOptions = {}): Part[] {
  const parts: Part[] = [];
  let last = 0;
  let literal = '';
  PERCENT.lastIndex = 0;
  for (let m = PERCENT.exec(fmt); m !== null; m = PERCENT.exec(fmt)) {
    literal += fmt.slice(last, m.index);
    last = PERCENT.lastIndex;
    const [whole, key, flags = '', width, precision, conv] = m;
    if (conv === undefined) {
      throw new FormatError(
        'LOG_BAD_FORMAT',
        `Bad %-format spec ${JSON.stringify(whole)} at position ${m.index} in ${JSON.stringify(fmt)}`,
        {
          context: { format: fmt, position: m.index },
        },
      );
    }
    if (conv === '%') {
      if (whole !== '%%') {
        throw new FormatError(
          'LOG_BAD_FORMAT',
          `Bad %-format spec ${JSON.stringify(whole)} at position ${m.index} in ${JSON.stringify(fmt)}`,
          {
            context: { format: fmt, position: m.index },
          },
        );
      }
      literal += '%';
      continue;
    }
    if (literal) parts.push(literal);
    literal = '';
    const floatKey = key !== undefined && (options.floatKeys?.has(key) ?? false);
    parts.push({
      key: key ?? null,
      position: m.index,
      convert: percentConverter(
        {
          flags,
          width: width ? Number(width) : 0,
          precision: precision === undefined ? null : Number(precision || '0'),
          conv,
        },
        options.noneText ?? false,
        floatKey,
      ),
    });
  }
  literal += fmt.slice(last);
  if (literal) parts.push(literal);
  return parts;
}

const BRACE_SPEC = /^(?:(.)?([<>=^]))?([-+ ])?(z)?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/s;

function group(intDigits: string, sep: string, size = 3): string {
  let out = '';
  for (let i = intDigits.length; i > 0; i -= size)
    out = intDigits.slice(Math.max(0, i - size), i) + (out ? sep + out : '');
  return out;
}

/** Builds the converter of one `{}` format spec (Python's format mini-language). */
function braceConverter(
  spec: string,
  bang: string | undefined,
  fmt: string,
  position: number,
  options: CompileOptions,
  key: string,
): Convert {
  const m = BRACE_SPEC.exec(spec);
  if (!m) {
    throw new FormatError(
      'LOG_BAD_FORMAT',
      `Bad format spec ${JSON.stringify(spec)} at position ${position} in ${JSON.stringify(fmt)}`,
      {
        context: { format: fmt, position },
      },
    );
  }
  const [, fillChar, alignChar, sign = '-', , alt, zero, widthText, sep, precText, type] = m;
  const width = widthText ? Number(widthText) : 0;
  const precision = precText === undefined ? null : Number(precText);
  const floatKey = options.floatKeys?.has(key) ?? false;
  const stringify = (v: unknown): string => {
    if (bang === 'r' || bang === 'a') return toRepr(v);
    if (options.noneText && (v === null || v === undefined)) return 'None';
    if (typeof v === 'number' && floatKey) return pyFloatRepr(v);
    return toText(v);
  };
  const align = (body: string, signText: string, numeric: boolean): string => {
    const fill = fillChar ?? (zero && !alignChar ? '0' : ' ');
    const a = alignChar ?? (zero ? '=' : numeric ? '>' : '<');
    const len = body.length + signText.length;
    if (len >= width) return signText + body;
    const n = width - len;
    switch (a) {
      case '<':
        return signText + body + fill.repeat(n);
      case '>':
        return fill.repeat(n) + signText + body;
      case '^':
        return fill.repeat(Math.floor(n / 2)) + signText + body + fill.repeat(n - Math.floor(n / 2));
      default:
        return signText + fill.repeat(n) + body;
    }
  };
  const signText = (neg: boolean): string => (neg ? '-' : sign === '+' ? '+' : sign === ' ' ? ' ' : '');
  return (v) => {
    const numeric = typeof v === 'number' || typeof v === 'bigint';
    if (!numeric || bang !== undefined || type === 's') {
      if (type !== undefined && type !== 's' && bang === undefined) {
        throw new TypeError(`Unknown format code '${type}' for object of type '${typeName(v)}'`);
      }
      let s = stringify(v);
      if (precision !== null) s = s.slice(0, precision);
      return align(s, '', false);
    }
    const n = v as number | bigint;
    const isInt = typeof n === 'bigint' || (Number.isInteger(n) && !floatKey);
    let t = type;
    if (t === undefined) {
      if (isInt) t = 'd';
      else {
        const neg = (n as number) < 0 || Object.is(n, -0);
        const body =
          precision === null
            ? pyFloatRepr(Math.abs(n as number))
            : floatDigits(Math.abs(n as number), 'g', precision, false);
        return align(body, signText(neg), true);
      }
    }
    if ('bcdoxXn'.includes(t)) {
      if (typeof n === 'number' && !Number.isInteger(n))
        throw new TypeError(`Unknown format code '${t}' for object of type 'float'`);
      const big = BigInt(n);
      const neg = big < 0n;
      const abs = neg ? -big : big;
      if (t === 'c') return align(String.fromCodePoint(Number(abs)), '', true);
      const radix = t === 'b' ? 2 : t === 'o' ? 8 : t === 'x' || t === 'X' ? 16 : 10;
      let digits = abs.toString(radix);
      if (t === 'X') digits = digits.toUpperCase();
      if (sep) digits = group(digits, sep, radix === 10 ? 3 : 4);
      const prefix = alt
        ? t === 'b'
          ? '0b'
          : t === 'o'
            ? '0o'
            : t === 'x'
              ? '0x'
              : t === 'X'
                ? '0X'
                : ''
        : '';
      return align(digits, signText(neg) + prefix, true);
    }
    let num = Number(n);
    const neg = num < 0 || Object.is(num, -0);
    let body: string;
    if (t === '%') {
      num *= 100;
      body = `${floatDigits(Math.abs(num), 'f', precision ?? 6, Boolean(alt))}%`;
    } else body = floatDigits(Math.abs(num), t, precision ?? 6, Boolean(alt));
    if (sep && Number.isFinite(num)) {
      const dot = body.search(/[.eE%]/);
      const intPart = dot < 0 ? body : body.slice(0, dot);
      body = group(intPart, sep) + (dot < 0 ? '' : body.slice(dot));
    }
    return align(body, signText(neg), true);
  };
}

/** Compiles a `{}`-style format (`{levelname:<8}`, `{msecs:03.0f}`, `{{`), as `str.format`. */
export function compileBrace(fmt: string, options: CompileOptions = {}): Part[] {
  const parts: Part[] = [];
  let literal = '';
  let i = 0;
  while (i < fmt.length) {
    const ch = fmt[i]!;
    if (ch === '{') {
      if (fmt[i + 1] === '{') {
        literal += '{';
        i += 2;
        continue;
      }
      const end = fmt.indexOf('}', i);
      if (end < 0) {
        throw new FormatError(
          'LOG_BAD_FORMAT',
          `Single '{' encountered at position ${i} in ${JSON.stringify(fmt)}`,
          {
            context: { format: fmt, position: i },
          },
        );
      }
      const field = fmt.slice(i + 1, end);
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:!([rsa]))?(?::(.*))?$/s.exec(field);
      if (!m) {
        throw new FormatError(
          'LOG_BAD_FORMAT',
          `Bad field {${field}} at position ${i} in ${JSON.stringify(fmt)}`,
          {
            context: { format: fmt, position: i },
          },
        );
      }
      if (literal) parts.push(literal);
      literal = '';
      const key = m[1]!;
      parts.push({ key, position: i, convert: braceConverter(m[3] ?? '', m[2], fmt, i, options, key) });
      i = end + 1;
    } else if (ch === '}') {
      if (fmt[i + 1] !== '}') {
        throw new FormatError(
          'LOG_BAD_FORMAT',
          `Single '}' encountered at position ${i} in ${JSON.stringify(fmt)}`,
          {
            context: { format: fmt, position: i },
          },
        );
      }
      literal += '}';
      i += 2;
    } else {
      literal += ch;
      i += 1;
    }
  }
  if (literal) parts.push(literal);
  return parts;
}

/** Compiles a `$`-style format (`$name`, `${name}`, `$$`), as `string.Template.safe_substitute`. */
export function compileTemplate(fmt: string, options: CompileOptions = {}): Part[] {
  const parts: Part[] = [];
  const re = /\$(?:(\$)|([_a-zA-Z][_a-zA-Z0-9]*)|\{([_a-zA-Z][_a-zA-Z0-9]*)\})/g;
  let last = 0;
  let literal = '';
  for (let m = re.exec(fmt); m !== null; m = re.exec(fmt)) {
    literal += fmt.slice(last, m.index);
    last = re.lastIndex;
    if (m[1]) {
      literal += '$';
      continue;
    }
    if (literal) parts.push(literal);
    literal = '';
    const key = (m[2] ?? m[3])!;
    const floatKey = options.floatKeys?.has(key) ?? false;
    const noneText = options.noneText ?? false;
    parts.push({
      key,
      position: m.index,
      convert: (v) =>
        typeof v === 'number' && floatKey
          ? pyFloatRepr(v)
          : noneText && (v === null || v === undefined)
            ? 'None'
            : toText(v),
    });
  }
  literal += fmt.slice(last);
  if (literal) parts.push(literal);
  return parts;
}

const messageCache = new Map<string, Part[]>();

function isMapping(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return (proto === Object.prototype || proto === null) && Object.keys(v).length > 0;
}

/** How many positional `%` specs a message consumes (used to spot a trailing Error argument). */
export function countPlaceholders(msg: string): number {
  let parts = messageCache.get(msg);
  if (parts === undefined) {
    try {
      parts = compileMessage(msg);
    } catch {
      return -1;
    }
  }
  let n = 0;
  for (const p of parts) if (typeof p !== 'string' && p.key === null) n++;
  return n;
}

function compileMessage(msg: string): Part[] {
  let parts = messageCache.get(msg);
  if (parts === undefined) {
    parts = compilePercent(msg);
    if (messageCache.size >= 2048) messageCache.clear();
    messageCache.set(msg, parts);
  }
  return parts;
}

/**
 * Python's `msg % args` as LogRecord.getMessage does it: a single non-empty plain object is a mapping
 * for `%(key)s`; otherwise arguments are consumed in order, and a count mismatch is a TypeError.
 */
export function percentFormat(msg: string, args: readonly unknown[]): string {
  const parts = compileMessage(msg);
  const mapping = args.length === 1 && isMapping(args[0]) ? args[0] : null;
  let out = '';
  let next = 0;
  for (const p of parts) {
    if (typeof p === 'string') out += p;
    else if (p.key !== null) {
      if (mapping === null) throw new TypeError('format requires a mapping');
      if (!(p.key in mapping)) throw new TypeError(`missing key ${JSON.stringify(p.key)} in the mapping`);
      out += p.convert(mapping[p.key]);
    } else if (mapping !== null) {
      out += p.convert(mapping);
      next = 1;
    } else {
      if (next >= args.length) throw new TypeError('not enough arguments for format string');
      out += p.convert(args[next++]);
    }
  }
  if (mapping === null && next < args.length)
    throw new TypeError('not all arguments converted during string formatting');
  return out;
}
