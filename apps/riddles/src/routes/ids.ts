/** A database id from a URL segment or form field; undefined unless it is a plain positive integer. */
export function parseId(text: unknown): number | undefined {
  if (typeof text !== 'string' || !/^[1-9]\d{0,8}$/.test(text)) return undefined;
  return Number(text);
}
