const DIGITS = '[0-9](?:_?[0-9])*';
const FLOAT = new RegExp(
  `^[+-]?(?:(?:(?:${DIGITS})(?:\\.(?:${DIGITS})?)?|\\.${DIGITS})(?:[eE][+-]?${DIGITS})?|inf(?:inity)?|nan)$`,
  'i',
);

/**
 * Reads text the way Python's `float(text)` does: surrounding whitespace, `_` between digits,
 * `inf`/`infinity`/`nan` in any case. Returns `undefined` where Python raises `ValueError`.
 */
export function parsePythonFloat(text: string): number | undefined {
  const t = text.trim();
  if (!FLOAT.test(t)) return undefined;
  const lower = t.toLowerCase();
  const sign = lower.startsWith('-') ? -1 : 1;
  const body = lower.replace(/^[+-]/, '');
  if (body === 'nan') return Number.NaN;
  if (body === 'inf' || body === 'infinity') return sign * Number.POSITIVE_INFINITY;
  return Number(t.replace(/_/g, ''));
}
