import { ConfigError } from './errors.js';
import {
  FileHandler,
  type FileHandlerOptions,
  RotatingFileHandler,
  type RotatingFileHandlerOptions,
  TimedRotatingFileHandler,
  type TimedRotatingFileHandlerOptions,
  WatchedFileHandler,
} from './file-handlers.js';
import { Filter, type FilterLike } from './filter.js';
import {
  Formatter,
  type FormatterOptions,
  type FormatStyle,
  JsonFormatter,
  type JsonFormatterOptions,
} from './formatter.js';
import { type Handler, type HandlerOptions, NullHandler, StreamHandler } from './handler.js';
import { checkLevel, type LevelLike } from './levels.js';
import { getLogger, type Logger, registry } from './logger.js';
import {
  DatagramHandler,
  HTTPHandler,
  SocketHandler,
  SysLogHandler,
  type SysLogHandlerOptions,
} from './net-handlers.js';
import { MemoryHandler, QueueHandler, type QueueTarget } from './queue-handlers.js';
import { type MailerLike, type SmtpConnectionOptions, SMTPHandler } from './smtp-handler.js';

/** A formatter in a dictConfig: Python's keys, or a factory under `()`. */
export interface FormatterConfig {
  format?: string;
  datefmt?: string;
  style?: FormatStyle;
  validate?: boolean;
  defaults?: Record<string, unknown>;
  /** `'Formatter'` (default) or `'JsonFormatter'` (then `fields`, `extra`, `utc` apply). */
  class?: string;
  fields?: string[] | Record<string, string>;
  extra?: boolean;
  utc?: boolean;
  escapeNewlines?: boolean;
  '()'?: () => Formatter;
}

/** A handler in a dictConfig: `class` plus that class's options (and `filename`, `host`, `port` ...). */
export interface HandlerConfig {
  /** Class name (`'StreamHandler'`, `'logging.handlers.RotatingFileHandler'` ...) or a Handler factory. */
  class: string | (() => Handler);
  level?: LevelLike;
  /** Id of a formatter in `formatters`. */
  formatter?: string;
  /** Ids of filters in `filters`. */
  filters?: string[];
  [option: string]: unknown;
}

/** A logger (or the root) in a dictConfig. */
export interface LoggerConfig {
  level?: LevelLike;
  propagate?: boolean;
  handlers?: string[];
  filters?: string[];
}

/** Python's logging configuration dictionary, schema version 1. */
export interface DictConfig {
  version: 1;
  formatters?: Record<string, FormatterConfig>;
  filters?: Record<string, { name?: string } | { '()': () => FilterLike }>;
  handlers?: Record<string, HandlerConfig>;
  loggers?: Record<string, LoggerConfig>;
  root?: LoggerConfig;
  /** Disable loggers that exist now and are not named (nor below a named one). @default true */
  disable_existing_loggers?: boolean;
  /** Only change levels and propagate of existing loggers and handlers. @default false */
  incremental?: boolean;
}

const TOP_KEYS = new Set([
  'version',
  'formatters',
  'filters',
  'handlers',
  'loggers',
  'root',
  'disable_existing_loggers',
  'incremental',
]);

function fail(where: string, message: string, cause?: unknown): never {
  throw new ConfigError('LOG_CONFIG', `dictConfig ${where}: ${message}`, { cause, context: { key: where } });
}

function plainObject(v: unknown, where: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(where, 'must be an object');
  return v as Record<string, unknown>;
}

function streamOf(v: unknown, where: string): NodeJS.WritableStream {
  if (v === undefined || v === 'ext://sys.stderr' || v === 'stderr') return process.stderr;
  if (v === 'ext://sys.stdout' || v === 'stdout') return process.stdout;
  if (v && typeof (v as NodeJS.WritableStream).write === 'function') return v as NodeJS.WritableStream;
  return fail(
    where,
    `unknown stream ${JSON.stringify(v)} (use 'ext://sys.stdout', 'ext://sys.stderr' or a stream)`,
  );
}

type Built = (cfg: Record<string, unknown>, where: string, resolved: Map<string, Handler>) => Handler;

function take(cfg: Record<string, unknown>, ...keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(cfg)) if (!keys.includes(k)) out[k] = v;
  return out;
}

const BUILDERS: Record<string, Built> = {
  StreamHandler: (c, w) => new StreamHandler(streamOf(c.stream, `${w}.stream`), take(c, 'stream')),
  NullHandler: (c) => new NullHandler(c as HandlerOptions),
  FileHandler: (c) => new FileHandler(String(c.filename), take(c, 'filename') as FileHandlerOptions),
  WatchedFileHandler: (c) =>
    new WatchedFileHandler(String(c.filename), take(c, 'filename') as FileHandlerOptions),
  RotatingFileHandler: (c) =>
    new RotatingFileHandler(String(c.filename), take(c, 'filename') as RotatingFileHandlerOptions),
  TimedRotatingFileHandler: (c) =>
    new TimedRotatingFileHandler(String(c.filename), take(c, 'filename') as TimedRotatingFileHandlerOptions),
  SocketHandler: (c) => new SocketHandler(String(c.host), Number(c.port), take(c, 'host', 'port')),
  DatagramHandler: (c) => new DatagramHandler(String(c.host), Number(c.port), take(c, 'host', 'port')),
  SysLogHandler: (c) => {
    const a = c.address;
    const address = Array.isArray(a)
      ? { host: String(a[0]), port: Number(a[1]) }
      : (a as SysLogHandlerOptions['address']);
    return new SysLogHandler({
      ...take(c, 'address'),
      ...(address === undefined ? {} : { address }),
    } as SysLogHandlerOptions);
  },
  HTTPHandler: (c) => new HTTPHandler(String(c.url), take(c, 'url')),
  SMTPHandler: (c) => {
    const target = (c.mailer ?? c.mailhost) as MailerLike | SmtpConnectionOptions;
    const o = take(c, 'mailer', 'mailhost', 'fromaddr', 'toaddrs');
    return new SMTPHandler(target, {
      ...o,
      from: (c.from ?? c.fromaddr) as string,
      to: (c.to ?? c.toaddrs) as string[],
      subject: c.subject as string,
    });
  },
  MemoryHandler: (c, w, resolved) => {
    const targetId = c.target;
    let target: Handler | null = null;
    if (targetId !== undefined) {
      target =
        resolved.get(String(targetId)) ??
        fail(`${w}.target`, `no handler ${JSON.stringify(targetId)} (define it before use)`);
    }
    return new MemoryHandler(Number(c.capacity), { ...take(c, 'capacity', 'target'), target });
  },
  QueueHandler: (c) => new QueueHandler(c.queue as QueueTarget, take(c, 'queue')),
};

function buildFormatter(id: string, cfg: FormatterConfig): Formatter {
  const where = `formatters.${id}`;
  plainObject(cfg, where);
  try {
    if (typeof cfg['()'] === 'function') return cfg['()']();
    const cls = (cfg.class ?? 'Formatter').replace(/^logging\./, '');
    if (cls === 'JsonFormatter') {
      const o: JsonFormatterOptions = {};
      if (cfg.fields !== undefined) o.fields = cfg.fields;
      if (cfg.extra !== undefined) o.extra = cfg.extra;
      if (cfg.utc !== undefined) o.utc = cfg.utc;
      return new JsonFormatter(o);
    }
    if (cls !== 'Formatter') fail(where, `unknown formatter class ${JSON.stringify(cfg.class)}`);
    const o: FormatterOptions = {};
    if (cfg.datefmt !== undefined) o.datefmt = cfg.datefmt;
    if (cfg.style !== undefined) o.style = cfg.style;
    if (cfg.validate !== undefined) o.validate = cfg.validate;
    if (cfg.defaults !== undefined) o.defaults = cfg.defaults;
    if (cfg.utc !== undefined) o.utc = cfg.utc;
    if (cfg.escapeNewlines !== undefined) o.escapeNewlines = cfg.escapeNewlines;
    if (Array.isArray(cfg.fields)) o.fields = cfg.fields;
    return new Formatter(cfg.format ?? null, o);
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    return fail(where, (err as Error).message, err);
  }
}

/**
 * Python's `logging.config.dictConfig`: formatters, filters, handlers and loggers from plain data (a
 * parsed JSON or YAML file). Everything is validated and built before anything is changed: a bad
 * configuration throws a ConfigError naming the key and leaves the current setup alone.
 *
 * @example
 * dictConfig({ version: 1, formatters: { f: { format: '%(asctime)s %(message)s' } },
 *   handlers: { file: { class: 'RotatingFileHandler', filename: 'app.log', maxBytes: 1e6, backupCount: 3, formatter: 'f' } },
 *   root: { level: 'INFO', handlers: ['file'] } });
 */
export function dictConfig(config: DictConfig): void {
  const top = plainObject(config, 'config');
  for (const key of Object.keys(top)) if (!TOP_KEYS.has(key)) fail(key, 'unknown key');
  if (top.version !== 1) fail('version', `must be 1, got ${JSON.stringify(top.version)}`);
  const level = (v: unknown, where: string): number => {
    try {
      return checkLevel(v as LevelLike);
    } catch (err) {
      return fail(where, (err as Error).message, err);
    }
  };
  const m = registry();
  if (config.incremental) {
    for (const [id, h] of Object.entries(config.handlers ?? {})) {
      const existing = [...new Set([m.root, ...m.loggers.values()].flatMap((l) => l.handlers))].find(
        (x) => x.name === id,
      );
      if (!existing) fail(`handlers.${id}`, 'no such handler to change incrementally');
      if (h.level !== undefined) existing.setLevel(level(h.level, `handlers.${id}.level`));
    }
    for (const [name, lc] of [
      ...Object.entries(config.loggers ?? {}),
      ...(config.root ? [['', config.root] as const] : []),
    ]) {
      const l = getLogger(name);
      if (lc.level !== undefined) l.setLevel(level(lc.level, `loggers.${name}.level`));
      if (lc.propagate !== undefined) l.propagate = lc.propagate;
    }
    return;
  }
  const formatters = new Map<string, Formatter>();
  for (const [id, cfg] of Object.entries(config.formatters ?? {}))
    formatters.set(id, buildFormatter(id, cfg));
  const filters = new Map<string, FilterLike>();
  for (const [id, cfg] of Object.entries(config.filters ?? {})) {
    const f = plainObject(cfg, `filters.${id}`);
    filters.set(
      id,
      typeof f['()'] === 'function' ? (f['()'] as () => FilterLike)() : new Filter(String(f.name ?? '')),
    );
  }
  const filterList = (ids: unknown, where: string): FilterLike[] => {
    if (ids === undefined) return [];
    if (!Array.isArray(ids)) fail(where, 'must be a list of filter ids');
    return ids.map((id) => filters.get(String(id)) ?? fail(where, `no filter ${JSON.stringify(id)}`));
  };
  // Validate loggers before building handlers (which open files and sockets).
  for (const [name, lc] of [
    ...Object.entries(config.loggers ?? {}),
    ...(config.root ? [['root', config.root] as const] : []),
  ]) {
    const where = name === 'root' ? 'root' : `loggers.${name}`;
    const o = plainObject(lc, where);
    for (const k of Object.keys(o))
      if (!['level', 'propagate', 'handlers', 'filters'].includes(k)) fail(`${where}.${k}`, 'unknown key');
    if (lc.level !== undefined) level(lc.level, `${where}.level`);
    for (const hid of lc.handlers ?? [])
      if (!(config.handlers && hid in config.handlers))
        fail(`${where}.handlers`, `no handler ${JSON.stringify(hid)}`);
  }
  const handlers = new Map<string, Handler>();
  const built: Handler[] = [];
  try {
    // MemoryHandler targets must exist first: build handlers without a target before those with one.
    const entries = Object.entries(config.handlers ?? {}).sort(
      ([, a], [, b]) => Number('target' in a) - Number('target' in b),
    );
    for (const [id, raw] of entries) {
      const where = `handlers.${id}`;
      const cfg = plainObject(raw, where) as HandlerConfig;
      const { class: cls, formatter, filters: fids, level: lvl, ...rest } = cfg;
      let h: Handler;
      if (typeof cls === 'function') h = cls();
      else {
        const name = String(cls ?? '').replace(/^logging\.(handlers\.)?/, '');
        const builder =
          BUILDERS[name] ?? fail(`${where}.class`, `unknown handler class ${JSON.stringify(cls)}`);
        try {
          h = builder(rest, where, handlers);
        } catch (err) {
          if (err instanceof ConfigError) throw err;
          fail(where, (err as Error).message, err);
        }
      }
      built.push(h);
      h.name = id;
      if (lvl !== undefined) h.setLevel(level(lvl, `${where}.level`));
      if (formatter !== undefined)
        h.setFormatter(
          formatters.get(formatter) ??
            fail(`${where}.formatter`, `no formatter ${JSON.stringify(formatter)}`),
        );
      for (const f of filterList(fids, `${where}.filters`)) h.addFilter(f);
      handlers.set(id, h);
    }
  } catch (err) {
    for (const h of built) void h.close();
    throw err;
  }
  const configured = new Set(Object.keys(config.loggers ?? {}));
  const apply = (l: Logger, lc: LoggerConfig, where: string): void => {
    for (const h of [...l.handlers]) {
      l.removeHandler(h);
      if (![...handlers.values()].includes(h)) void h.close();
    }
    for (const f of [...l.filters]) l.removeFilter(f);
    if (lc.level !== undefined) l.setLevel(level(lc.level, `${where}.level`));
    if (lc.propagate !== undefined) l.propagate = lc.propagate;
    for (const f of filterList(lc.filters, `${where}.filters`)) l.addFilter(f);
    for (const hid of lc.handlers ?? []) l.addHandler(handlers.get(hid)!);
    l.disabled = false;
  };
  if (config.disable_existing_loggers ?? true) {
    for (const l of m.loggers.values()) {
      const keep = [...configured].some((n) => l.name === n || l.name.startsWith(`${n}.`));
      if (!keep) l.disabled = true;
    }
  }
  if (config.root) apply(m.root, config.root, 'root');
  for (const [name, lc] of Object.entries(config.loggers ?? {}))
    apply(getLogger(name), lc, `loggers.${name}`);
  m.refreshAll();
}
