import { LogError } from './errors.js';
import { FileHandler, type FileMode } from './file-handlers.js';
import { checkKeys, Formatter, type FormatStyle } from './formatter.js';
import { type Handler, StreamHandler } from './handler.js';
import { checkLevel, type LevelLike } from './levels.js';
import { getLogger, registry } from './logger.js';
import { shared } from './state.js';

/** Options of {@link basicConfig}, Python's keyword arguments. */
export interface BasicConfigOptions {
  /** Root logger level. @default unchanged (WARNING) */
  level?: LevelLike;
  /** Format of the created handler. @default '%(levelname)s:%(name)s:%(message)s' (per style) */
  format?: string;
  /** strftime pattern for `asctime`. @default Python's default form */
  datefmt?: string;
  /** Format style. @default '%' */
  style?: FormatStyle;
  /** Log to this file instead of stderr. */
  filename?: string;
  /** Open mode for `filename`. @default 'a' */
  filemode?: FileMode;
  /** Log to this stream. @default process.stderr */
  stream?: NodeJS.WritableStream;
  /** Attach these handlers (those without a formatter get the format). */
  handlers?: readonly Handler[];
  /** Remove and close the root's existing handlers first. @default false */
  force?: boolean;
  /** Encoding for `filename`. @default 'utf8' */
  encoding?: BufferEncoding;
}

const BASIC_KEYS = new Set([
  'level',
  'format',
  'datefmt',
  'style',
  'filename',
  'filemode',
  'stream',
  'handlers',
  'force',
  'encoding',
]);
const BASIC_FORMAT: Record<FormatStyle, string> = {
  '%': '%(levelname)s:%(name)s:%(message)s',
  '{': '{levelname}:{name}:{message}',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: Python's $-style format
  $: '${levelname}:${name}:${message}',
};

/**
 * Python's `logging.basicConfig`: gives the root logger one handler (stderr, a file, a stream, or
 * the given handlers) with a format, unless it already has handlers (then nothing happens, unless
 * `force`). Conflicting options throw.
 *
 * @example basicConfig({ level: 'INFO', format: '%(asctime)s - [%(levelname)s] %(message)s' });
 */
export function basicConfig(options: BasicConfigOptions = {}): void {
  checkKeys(options, BASIC_KEYS, 'basicConfig');
  const root = getLogger();
  if (options.force) {
    for (const h of [...root.handlers]) {
      root.removeHandler(h);
      void h.close();
    }
  }
  if (root.handlers.length > 0) return;
  const sources = ['handlers', 'stream', 'filename'].filter(
    (k) => options[k as keyof BasicConfigOptions] !== undefined,
  );
  if (sources.length > 1) {
    throw new LogError(
      'LOG_INVALID_OPTION',
      `basicConfig takes only one of ${sources.map((s) => `\`${s}\``).join(', ')}`,
      {
        context: { key: sources[1] },
      },
    );
  }
  if (
    options.handlers === undefined &&
    (options.encoding !== undefined || options.filemode !== undefined) &&
    options.filename === undefined
  ) {
    throw new LogError('LOG_INVALID_OPTION', '`encoding` and `filemode` need `filename`', {
      context: { key: 'filename' },
    });
  }
  const style = options.style ?? '%';
  if (style !== '%' && style !== '{' && style !== '$') {
    throw new LogError(
      'LOG_INVALID_OPTION',
      `Style must be one of '%', '{', '$', got ${JSON.stringify(style)}`,
      {
        context: { key: 'style', value: style },
      },
    );
  }
  const level = options.level === undefined ? undefined : checkLevel(options.level);
  const formatter = new Formatter(options.format ?? BASIC_FORMAT[style], options.datefmt ?? null, style);
  let handlers: readonly Handler[];
  if (options.handlers !== undefined) handlers = options.handlers;
  else if (options.filename !== undefined) {
    handlers = [
      new FileHandler(options.filename, {
        mode: options.filemode ?? 'a',
        encoding: options.encoding ?? 'utf8',
      }),
    ];
  } else handlers = [new StreamHandler(options.stream ?? process.stderr)];
  for (const h of handlers) {
    if (h.formatter === null) h.setFormatter(formatter);
    root.addHandler(h);
  }
  if (level !== undefined) root.setLevel(level);
}

/**
 * Flushes and closes every handler (newest first) and resolves when every line is written. A handler
 * that fails to close is reported through its `handleError` and does not stop the others.
 */
export async function shutdown(): Promise<void> {
  const handlers = [...shared().handlers].reverse();
  for (const h of handlers) {
    const handler = h as Handler;
    try {
      await handler.flush();
      await handler.close();
    } catch (err) {
      if (typeof handler.handleError === 'function') handler.handleError(null, err);
    }
  }
}

/** Synchronously writes what every file handler has buffered (also done on `process.exit`). */
export function flushAllSync(): void {
  for (const h of shared().handlers) h.flushSync();
}

/** @internal resets the registry for tests: closes handlers, clears levels and loggers */
export async function resetForTests(): Promise<void> {
  await shutdown();
  const m = registry();
  for (const l of [m.root, ...m.loggers.values()]) {
    for (const h of [...l.handlers]) l.removeHandler(h);
    l.filters.length = 0;
    l.disabled = false;
    l.propagate = true;
    l.level = 0;
  }
  m.root.level = 30;
  m.disableLevel = 0;
  m.refreshAll();
}
