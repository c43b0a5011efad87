import type TransportStream from 'winston-transport';
import { Handler, type HandlerOptions } from './handler.js';
import type { LogRecord } from './record.js';

const LEVEL = Symbol.for('level');
const MESSAGE = Symbol.for('message');

/** Python level names to winston's npm level names. */
function winstonLevel(levelno: number): string {
  if (levelno >= 40) return 'error';
  if (levelno >= 30) return 'warn';
  if (levelno >= 20) return 'info';
  return 'debug';
}

/**
 * Attaches any winston transport (daily rotate file, HTTP, cloud sinks ...) as a handler. The
 * transport receives winston's info object: `level`, `message`, the record's attributes, and the
 * line formatted by this handler's formatter as `info[Symbol.for('message')]`.
 *
 * @example new WinstonHandler(new winston.transports.Console())
 */
export class WinstonHandler extends Handler {
  readonly transport: TransportStream;
  private readonly onError = (err: unknown): void => this.handleError(null, err);

  constructor(transport: TransportStream, options: HandlerOptions = {}) {
    super(options);
    this.transport = transport;
    transport.on('error', this.onError);
  }

  emit(record: LogRecord): void {
    const line = this.format(record);
    const level = winstonLevel(record.levelno);
    const info: Record<string | symbol, unknown> = {
      ...record.toJSON(),
      level,
      message: record.message ?? line,
      [LEVEL]: level,
      [MESSAGE]: line,
    };
    this.transport.write(info);
  }

  override flush(): Promise<void> {
    const t = this.transport as TransportStream & { writableLength?: number };
    if (!t.writableLength) return Promise.resolve();
    return new Promise((resolve) => {
      t.once('drain', () => resolve());
    });
  }

  override async close(): Promise<void> {
    if (this.closed) return;
    await new Promise<void>((resolve) => {
      const t = this.transport;
      if (t.writableEnded) return resolve();
      t.once('finish', () => resolve());
      t.end();
    });
    this.transport.removeListener('error', this.onError);
    await super.close();
  }
}
