/** A value a CSV cell can hold; `null` and `undefined` become an empty field, like Python's `None`. */
export type CellValue = string | number | boolean | bigint | Date | null | undefined;

const NEEDS_QUOTES = /[",\r\n]/;

function cell(value: CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

/**
 * Formats rows as CSV text in the `excel` dialect (comma, double quote, `\r\n`, minimal quoting),
 * the same bytes Python's `csv.writer` produces by default.
 *
 * @example
 * stringify([['name', 'note'], ['Ana', 'says "hi", twice']]);
 * // 'name,note\r\nAna,"says ""hi"", twice"\r\n'
 */
export function stringify(rows: Iterable<readonly CellValue[]>): string {
  let out = '';
  for (const row of rows) {
    const fields = row.map((value) => {
      const text = cell(value);
      // Python quotes a lone empty field so that the row is not read back as an empty line.
      if (NEEDS_QUOTES.test(text) || (row.length === 1 && text === '')) return `"${text.replace(/"/g, '""')}"`;
      return text;
    });
    out += `${fields.join(',')}\r\n`;
  }
  return out;
}
