/** Parsed form body as @fastify/formbody hands it over. */
export type FormBody = Record<string, string | string[] | undefined>;

/** One field of a form body as a string: the last value when repeated, '' when absent. */
export function field(body: unknown, name: string): string {
  if (body === null || typeof body !== 'object') return '';
  const value = (body as FormBody)[name];
  if (Array.isArray(value)) return value.at(-1) ?? '';
  return typeof value === 'string' ? value : '';
}

/** Length in characters as PostgreSQL's varchar counts them (code points, not UTF-16 units). */
export function charLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** Max length of `riddleText` and option `text`, as in the models. */
export const MAX_TEXT = 255;
/** Blank option rows offered under a riddle form (Django's `extra = 3`). */
export const EXTRA_OPTION_ROWS = 3;

/** One option row as the form shows it again after a validation error. */
export interface OptionRow {
  id: string;
  text: string;
  correct: boolean;
  error?: string;
}

/** The riddle form's values and errors, keyed by field, ready for the template. */
export interface RiddleForm {
  riddleText: string;
  pubDate: string;
  options: OptionRow[];
  errors: { riddleText?: string; pubDate?: string; options?: string };
}

/** Formats a date for a `datetime-local` input, in UTC (the form says so). */
export function toInputDate(date: Date): string {
  return date.toISOString().slice(0, 16);
}

const INPUT_DATE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/;

/** Parses a `datetime-local` value as UTC; undefined when it is not a real date and time. */
export function parseInputDate(text: string): Date | undefined {
  const m = INPUT_DATE.exec(text.trim());
  if (m === null) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map((x) => Number(x ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  // Date.UTC rolls 2025-02-30 over to March: reject anything that did not round-trip.
  if (
    date.getUTCFullYear() !== y ||
    date.getUTCMonth() !== mo - 1 ||
    date.getUTCDate() !== d ||
    date.getUTCHours() !== h ||
    date.getUTCMinutes() !== mi
  ) {
    return undefined;
  }
  return date;
}

/** A valid riddle form, converted for the repository. */
export interface CleanRiddle {
  riddleText: string;
  pubDate: Date;
  options: { id?: number; text: string; correct: boolean }[];
}

/**
 * Reads and validates the riddle form (riddle text, publication date, option rows
 * `options-<n>-id|text|correct` up to `options-total`). Blank new rows are ignored, like
 * Django's extra inline forms. Returns the clean values or the form with errors next to fields.
 */
export function readRiddleForm(
  body: unknown,
  now: Date,
  existingIds: ReadonlySet<number>,
): { ok: true; value: CleanRiddle } | { ok: false; form: RiddleForm } {
  const riddleText = field(body, 'riddle_text').trim();
  const pubDateText = field(body, 'pub_date').trim();
  const form: RiddleForm = { riddleText, pubDate: pubDateText, options: [], errors: {} };

  if (riddleText === '') form.errors.riddleText = 'This field is required.';
  else if (charLength(riddleText) > MAX_TEXT) {
    form.errors.riddleText = `Ensure this value has at most ${MAX_TEXT} characters (it has ${charLength(riddleText)}).`;
  }

  let pubDate = now;
  if (pubDateText !== '') {
    const parsed = parseInputDate(pubDateText);
    if (parsed === undefined) form.errors.pubDate = 'Enter a valid date and time (YYYY-MM-DD HH:MM, UTC).';
    else pubDate = parsed;
  }

  const total = Math.min(Number.parseInt(field(body, 'options-total'), 10) || 0, 100);
  const clean: CleanRiddle['options'] = [];
  let rowErrors = false;
  for (let i = 0; i < total; i++) {
    const idText = field(body, `options-${i}-id`).trim();
    const text = field(body, `options-${i}-text`).trim();
    const correct = field(body, `options-${i}-correct`) !== '';
    const row: OptionRow = { id: idText, text, correct };
    form.options.push(row);
    let id: number | undefined;
    if (idText !== '') {
      id = /^\d{1,9}$/.test(idText) ? Number(idText) : Number.NaN;
      if (!existingIds.has(id)) {
        row.error = 'This option no longer exists; reload the page.';
        rowErrors = true;
        continue;
      }
    }
    if (id === undefined && text === '' && !correct) continue;
    if (text === '') {
      row.error = 'This field is required.';
      rowErrors = true;
    } else if (charLength(text) > MAX_TEXT) {
      row.error = `Ensure this value has at most ${MAX_TEXT} characters (it has ${charLength(text)}).`;
      rowErrors = true;
    } else {
      clean.push(id === undefined ? { text, correct } : { id, text, correct });
    }
  }
  if (!rowErrors && clean.length > 0 && !clean.some((o) => o.correct)) {
    form.errors.options = 'Mark at least one option as correct.';
  }
  if (rowErrors && form.errors.options === undefined)
    form.errors.options = 'Please correct the options below.';

  if (Object.keys(form.errors).length > 0) return { ok: false, form };
  return { ok: true, value: { riddleText, pubDate, options: clean } };
}

/** The form for a riddle as stored, plus blank rows to add options. */
export function riddleFormFor(
  riddle:
    | { riddleText: string; pubDate: Date; options: { id: number; text: string; correct: boolean }[] }
    | undefined,
  now: Date,
): RiddleForm {
  const rows: OptionRow[] = (riddle?.options ?? []).map((o) => ({
    id: String(o.id),
    text: o.text,
    correct: o.correct,
  }));
  for (let i = 0; i < EXTRA_OPTION_ROWS; i++) rows.push({ id: '', text: '', correct: false });
  return {
    riddleText: riddle?.riddleText ?? '',
    pubDate: toInputDate(riddle?.pubDate ?? now),
    options: rows,
    errors: {},
  };
}
