import { getLogger, shutdown } from '@cb/log';
import { runMenu } from './cli.js';
import { configureLogging } from './logging.js';
import { ContactsRepository } from './repository.js';
import { openCsvStore } from './store.js';

/** Where the app keeps its files and where it talks. */
export interface AppOptions {
  dataFile: string;
  logFile: string;
  verbose: boolean;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
}

/** Parses `--verbose`, `--data <file>`, `--log <file>`. */
export function parseArgs(argv: readonly string[]): { dataFile: string; logFile: string; verbose: boolean } {
  const out = { dataFile: 'contacts.csv', logFile: 'contacts.log', verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--verbose' || a === '-v') out.verbose = true;
    else if (a === '--data') out.dataFile = argv[++i] ?? fail('--data needs a file');
    else if (a === '--log') out.logFile = argv[++i] ?? fail('--log needs a file');
    else fail(`Unknown argument ${a}`);
  }
  return out;
}

function fail(message: string): never {
  throw new TypeError(`${message}\nUsage: contacts [--verbose] [--data contacts.csv] [--log contacts.log]`);
}

/** Runs the contact list: logging set up, repository opened, menu until Exit, every log line written. */
export async function runApp(o: AppOptions): Promise<void> {
  configureLogging({ logFile: o.logFile, verbose: o.verbose, ...(o.stderr ? { stderr: o.stderr } : {}) });
  const log = getLogger('contacts.app');
  log.debug('starting with data file %s', o.dataFile);
  try {
    const repo = await ContactsRepository.open(() => openCsvStore(o.dataFile), o.dataFile);
    try {
      await runMenu(repo, o.input, o.output);
    } finally {
      await repo.close();
    }
    log.info('exiting');
  } catch (err) {
    log.exception('the app failed', err);
    throw err;
  } finally {
    await shutdown();
  }
}
