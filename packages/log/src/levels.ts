import { LogError } from './errors.js';

/** No level set: the logger defers to its parent. */
export const NOTSET = 0;
/** Detailed information, typically of interest only when diagnosing problems. */
export const DEBUG = 10;
/** Confirmation that things are working as expected. */
export const INFO = 20;
/** Something unexpected happened, or may happen soon; the software still works. */
export const WARNING = 30;
/** Alias of {@link WARNING}. */
export const WARN = WARNING;
/** A more serious problem: the software could not perform some function. */
export const ERROR = 40;
/** A serious error: the program itself may be unable to continue. */
export const CRITICAL = 50;
/** Alias of {@link CRITICAL}. */
export const FATAL = CRITICAL;

/** A level given by number or by registered name (`'INFO'`, `'warning'` ...). */
export type LevelLike = number | string;

const levelToName = new Map<number, string>([
  [CRITICAL, 'CRITICAL'],
  [ERROR, 'ERROR'],
  [WARNING, 'WARNING'],
  [INFO, 'INFO'],
  [DEBUG, 'DEBUG'],
  [NOTSET, 'NOTSET'],
]);
const nameToLevel = new Map<string, number>([
  ['CRITICAL', CRITICAL],
  ['FATAL', FATAL],
  ['ERROR', ERROR],
  ['WARN', WARNING],
  ['WARNING', WARNING],
  ['INFO', INFO],
  ['DEBUG', DEBUG],
  ['NOTSET', NOTSET],
]);

/**
 * Registers `name` for `level` (both ways), as Python's `logging.addLevelName`.
 * @example addLevelName(25, 'NOTICE'); logger.log(25, 'printed as NOTICE');
 */
export function addLevelName(level: number, name: string): void {
  if (!Number.isInteger(level) || level < 0) {
    throw new LogError('LOG_INVALID_LEVEL', `A level must be a non-negative integer, got ${String(level)}`, {
      context: { value: level },
    });
  }
  if (typeof name !== 'string' || name === '') {
    throw new LogError('LOG_INVALID_LEVEL', 'A level name must be a non-empty string', {
      context: { value: name },
    });
  }
  levelToName.set(level, name);
  nameToLevel.set(name, level);
}

/**
 * The name of a numeric level (`'Level 25'` when none is registered, as Python), or the number of a
 * registered level name.
 */
export function getLevelName(level: number): string;
export function getLevelName(level: string): number | string;
export function getLevelName(level: number | string): number | string {
  if (typeof level === 'number') return levelToName.get(level) ?? `Level ${level}`;
  return nameToLevel.get(level) ?? `Level ${level}`;
}

/** A snapshot of the registered level names, by name. */
export function getLevelNamesMapping(): Record<string, number> {
  return Object.fromEntries(nameToLevel);
}

/** Turns a level number or registered name into a number; anything else is a clear error. */
export function checkLevel(level: LevelLike): number {
  if (typeof level === 'number') {
    if (Number.isInteger(level) && level >= 0) return level;
  } else if (typeof level === 'string') {
    const n = nameToLevel.get(level) ?? nameToLevel.get(level.toUpperCase());
    if (n !== undefined) return n;
    throw new LogError('LOG_INVALID_LEVEL', `Unknown level: ${JSON.stringify(level)}`, {
      context: { value: level },
    });
  }
  throw new LogError('LOG_INVALID_LEVEL', `Level not an integer or a registered name: ${String(level)}`, {
    context: { value: level },
  });
}
