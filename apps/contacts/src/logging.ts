import { FileHandler, Formatter, getLogger, StreamHandler } from '@cb/log';

/** The cookbook's format: time, level, logger, message. */
export const LOG_FORMAT = '%(asctime)s - [%(levelname)s] %(name)s: %(message)s';

/**
 * Sends every record of the `contacts` loggers to the log file (DEBUG and up), so the terminal stays
 * clean; with `verbose`, INFO and up also go to stderr.
 */
export function configureLogging(options: {
  logFile: string;
  verbose: boolean;
  stderr?: NodeJS.WritableStream;
}): void {
  const app = getLogger('contacts');
  for (const h of [...app.handlers]) app.removeHandler(h);
  app.setLevel('DEBUG');
  app.propagate = false;
  // Names come from the user: escaped newlines keep one record on one line in the file.
  const file = new FileHandler(options.logFile, {
    formatter: new Formatter(LOG_FORMAT, { escapeNewlines: true }),
  });
  app.addHandler(file);
  if (options.verbose) {
    app.addHandler(
      new StreamHandler(options.stderr ?? process.stderr, {
        level: 'INFO',
        formatter: new Formatter('[%(levelname)s] %(message)s'),
      }),
    );
  }
}
