const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** Broken-down time, like C's `struct tm`. */
interface Tm {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
  offsetMinutes: number;
  date: Date;
  utc: boolean;
}

function tm(date: Date, utc: boolean): Tm {
  return utc
    ? {
        year: date.getUTCFullYear(),
        month: date.getUTCMonth(),
        day: date.getUTCDate(),
        hour: date.getUTCHours(),
        minute: date.getUTCMinutes(),
        second: date.getUTCSeconds(),
        weekday: date.getUTCDay(),
        offsetMinutes: 0,
        date,
        utc,
      }
    : {
        year: date.getFullYear(),
        month: date.getMonth(),
        day: date.getDate(),
        hour: date.getHours(),
        minute: date.getMinutes(),
        second: date.getSeconds(),
        weekday: date.getDay(),
        offsetMinutes: -date.getTimezoneOffset(),
        date,
        utc,
      };
}

const p2 = (n: number): string => (n < 10 ? `0${n}` : String(n));
const p3 = (n: number): string => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : String(n));

function dayOfYear(t: Tm): number {
  return Math.round((Date.UTC(t.year, t.month, t.day) - Date.UTC(t.year, 0, 1)) / 86_400_000) + 1;
}

function zoneName(t: Tm): string {
  if (t.utc) return 'UTC';
  const part = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' })
    .formatToParts(t.date)
    .find((p) => p.type === 'timeZoneName');
  return part?.value ?? '';
}

const DIRECTIVES: Record<string, (t: Tm) => string> = {
  a: (t) => DAYS[t.weekday]!.slice(0, 3),
  A: (t) => DAYS[t.weekday]!,
  b: (t) => MONTHS[t.month]!.slice(0, 3),
  h: (t) => MONTHS[t.month]!.slice(0, 3),
  B: (t) => MONTHS[t.month]!,
  c: (t) =>
    `${DIRECTIVES.a!(t)} ${DIRECTIVES.b!(t)} ${String(t.day).padStart(2, ' ')} ${p2(t.hour)}:${p2(t.minute)}:${p2(t.second)} ${t.year}`,
  C: (t) => p2(Math.floor(t.year / 100)),
  d: (t) => p2(t.day),
  D: (t) => `${p2(t.month + 1)}/${p2(t.day)}/${p2(t.year % 100)}`,
  e: (t) => String(t.day).padStart(2, ' '),
  F: (t) => `${t.year}-${p2(t.month + 1)}-${p2(t.day)}`,
  H: (t) => p2(t.hour),
  I: (t) => p2(t.hour % 12 === 0 ? 12 : t.hour % 12),
  j: (t) => p3(dayOfYear(t)),
  m: (t) => p2(t.month + 1),
  M: (t) => p2(t.minute),
  n: () => '\n',
  p: (t) => (t.hour < 12 ? 'AM' : 'PM'),
  R: (t) => `${p2(t.hour)}:${p2(t.minute)}`,
  s: (t) => String(Math.floor(t.date.getTime() / 1000)),
  S: (t) => p2(t.second),
  t: () => '\t',
  T: (t) => `${p2(t.hour)}:${p2(t.minute)}:${p2(t.second)}`,
  u: (t) => String(t.weekday === 0 ? 7 : t.weekday),
  w: (t) => String(t.weekday),
  x: (t) => `${p2(t.month + 1)}/${p2(t.day)}/${p2(t.year % 100)}`,
  X: (t) => `${p2(t.hour)}:${p2(t.minute)}:${p2(t.second)}`,
  y: (t) => p2(t.year % 100),
  Y: (t) => String(t.year),
  z: (t) => {
    const o = t.offsetMinutes;
    const a = Math.abs(o);
    return `${o < 0 ? '-' : '+'}${p2(Math.floor(a / 60))}${p2(a % 60)}`;
  },
  Z: zoneName,
  '%': () => '%',
};

/** A compiled `strftime` pattern: call it with a Date. */
export type TimeFormat = (date: Date) => string;

/**
 * Compiles a C `strftime` pattern (the directives of glibc in the C locale that Python's
 * `time.strftime` passes through). Unknown directives are kept as written, as glibc does.
 */
export function compileStrftime(pattern: string, utc = false): TimeFormat {
  const pieces: Array<string | ((t: Tm) => string)> = [];
  let literal = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '%' && i + 1 < pattern.length) {
      const fn = DIRECTIVES[pattern[i + 1]!];
      if (fn) {
        if (literal) pieces.push(literal);
        literal = '';
        pieces.push(fn);
        i++;
        continue;
      }
    }
    literal += ch;
  }
  if (literal) pieces.push(literal);
  return (date) => {
    const t = tm(date, utc);
    let out = '';
    for (const p of pieces) out += typeof p === 'string' ? p : p(t);
    return out;
  };
}

/** Formats `date` with a C `strftime` pattern. */
export function strftime(pattern: string, date: Date, utc = false): string {
  return compileStrftime(pattern, utc)(date);
}
