import type { LogRecord } from './record.js';

/** A filter function: return false to drop the record, true to keep it, or a record to use instead. */
export type FilterFunction = (record: LogRecord) => boolean | LogRecord;

/** Anything `addFilter` accepts: a {@link Filter}, an object with `filter(record)`, or a function. */
export type FilterLike = FilterFunction | { filter(record: LogRecord): boolean | LogRecord };

/**
 * Python's name filter: lets through records of the logger `name` and its descendants (`a.b` passes
 * `a.b` and `a.b.c`, not `a.bb`). An empty name lets everything through.
 */
export class Filter {
  readonly name: string;
  constructor(name = '') {
    this.name = name;
  }
  /** True when the record comes from `name` or below. */
  filter(record: LogRecord): boolean {
    const n = this.name;
    if (n === '' || record.name === n) return true;
    return record.name.startsWith(n) && record.name.charCodeAt(n.length) === 46;
  }
}

/** The filter list shared by loggers and handlers. */
export class Filterer {
  /** Attached filters, in order. */
  readonly filters: FilterLike[] = [];

  /** Adds a filter (once). */
  addFilter(filter: FilterLike): void {
    if (!this.filters.includes(filter)) this.filters.push(filter);
  }

  /** Removes a filter. */
  removeFilter(filter: FilterLike): void {
    const i = this.filters.indexOf(filter);
    if (i >= 0) this.filters.splice(i, 1);
  }

  /**
   * Runs the filters: `false` when one drops the record, else the record to go on with (a filter may
   * return a replacement record, as in Python 3.12).
   */
  filter(record: LogRecord): LogRecord | false {
    for (const f of this.filters) {
      const result = typeof f === 'function' ? f(record) : f.filter(record);
      if (result === false) return false;
      if (typeof result === 'object' && result !== null) record = result;
    }
    return record;
  }
}
