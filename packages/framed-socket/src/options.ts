import { Buffer } from 'node:buffer';
import { InvalidOptionError } from './errors.js';

/** Throws a `TypeError` for any key of `raw` not in `known`. */
export function checkKeys(what: string, raw: object, known: ReadonlySet<string>): void {
  if (raw === null || typeof raw !== 'object') throw new TypeError(`${what} options must be an object`);
  for (const key of Object.keys(raw)) {
    if (!known.has(key)) throw new TypeError(`Unknown ${what} option \`${key}\``);
  }
}

/** Validates an integer option in [min, max]. */
export function intOption(name: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidOptionError(name, `must be an integer from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}

/** Validates an optional timeout (positive finite milliseconds, or undefined / 0 = none). */
export function timeoutOption(name: string, value: unknown): number {
  if (value === undefined || value === 0) return 0;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidOptionError(name, `must be a non-negative number of milliseconds, got ${String(value)}`);
  }
  return value;
}

/** Validates a boolean option that defaults to true. */
export function flagOption(name: string, value: unknown): boolean {
  if (value === undefined) return true;
  if (typeof value !== 'boolean')
    throw new InvalidOptionError(name, `must be a boolean, got ${String(value)}`);
  return value;
}

/** Accepts strings (UTF-8) and any `Uint8Array`/`Buffer`; returns a Buffer view without copying. */
export function toBuffer(message: Uint8Array | string): Buffer {
  if (typeof message === 'string') return Buffer.from(message, 'utf8');
  if (Buffer.isBuffer(message)) return message;
  if (message instanceof Uint8Array)
    return Buffer.from(message.buffer, message.byteOffset, message.byteLength);
  throw new TypeError(`A message must be a Uint8Array or a string, got ${typeof message}`);
}
