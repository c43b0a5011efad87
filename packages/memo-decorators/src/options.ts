import { InvalidOptionError } from './errors.js';
import type { AnyFunction } from './wraps.js';

/** Rejects a non-object options argument and unknown keys; returns the options as a record. */
export function checkKeys(
  decorator: string,
  raw: unknown,
  known: readonly string[],
): Readonly<Record<string, unknown>> {
  if (raw === undefined) return {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new InvalidOptionError(
      'options',
      raw,
      `${decorator}: options must be an object, got ${raw === null ? 'null' : typeof raw}`,
    );
  }
  for (const key of Object.keys(raw)) {
    if (!known.includes(key)) {
      throw new InvalidOptionError(
        key,
        (raw as Record<string, unknown>)[key],
        `${decorator}: unknown option \`${key}\` (known: ${known.join(', ')})`,
      );
    }
  }
  return raw as Record<string, unknown>;
}

/** Short, safe description of a bad option value for error messages. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'bigint') return `${value}n`;
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}

/** The `label` option of `timed` and `validate`: a string, or absent. */
export function checkLabel(decorator: string, label: unknown): string | undefined {
  if (label !== undefined && typeof label !== 'string') {
    throw new InvalidOptionError(
      'label',
      label,
      `${decorator}: \`label\` must be a string, got ${describe(label)}`,
    );
  }
  return label;
}

/** The name a wrapper reports: its label, else the member or function name. */
export function reportedName(label: string | undefined, fallbackName: string, fn: AnyFunction): string {
  return label ?? (fallbackName || fn.name || 'anonymous');
}
