// Text that a spreadsheet would run as a formula when it opens an exported CSV file (OWASP "CSV
// injection"): a cell starting with = + - @, a tab or a carriage return.
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Makes user-written text safe to open in a spreadsheet: text that would start a formula gets a
 * leading `'`, which spreadsheets show as text and do not display. Anything else is unchanged.
 */
export function spreadsheetSafe(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}
