// One peer logging N lines to a file in its own process, so peak RSS belongs to that peer alone.
// argv: <peer> <plain|caller> <lines> <file>. Prints {"seconds":..,"rssMB":..}.
import { once } from 'node:events';
import pino from 'pino';
import winston from 'winston';
import { FileHandler, Formatter, getLogger, shutdown } from '../src/index.js';

const [peer, scenario, linesText, file] = process.argv.slice(2) as [string, string, string, string];
const lines = Number(linesText);
const caller = scenario === 'caller';

async function cb(): Promise<void> {
  const h = new FileHandler(file, { mode: 'w' });
  h.setFormatter(
    new Formatter(
      caller
        ? '%(asctime)s - [%(levelname)s] %(filename)s:%(lineno)d %(message)s'
        : '%(asctime)s - [%(levelname)s] %(message)s',
    ),
  );
  const log = getLogger('bench');
  log.setLevel('INFO');
  log.propagate = false;
  log.addHandler(h);
  for (let i = 0; i < lines; i++) log.info('request %d served in %d ms', i, 12);
  await shutdown();
}

/** What users do to get file:line in winston: capture a full stack and pick the first frame outside winston. */
const callerFormat = winston.format((info) => {
  const frames = (new Error().stack ?? '').split('\n').slice(1);
  const frame = frames.find((f) => !f.includes('node_modules') && !f.includes('node:internal')) ?? '';
  const m = /([^/\\(]+):(\d+):\d+\)?$/.exec(frame);
  info.caller = m ? `${m[1]}:${m[2]}` : '?';
  return info;
});

async function win(): Promise<void> {
  const transport = new winston.transports.File({ filename: file, options: { flags: 'w' } });
  const logger = winston.createLogger({
    level: 'info',
    format: winston.format.combine(
      ...(caller ? [callerFormat()] : []),
      winston.format.timestamp({ format: 'YYYY-MM-DD HH:mm:ss,SSS' }),
      winston.format.printf((i) =>
        caller
          ? `${i.timestamp} - [${i.level.toUpperCase()}] ${i.caller} ${i.message}`
          : `${i.timestamp} - [${i.level.toUpperCase()}] ${i.message}`,
      ),
    ),
    transports: [transport],
  });
  for (let i = 0; i < lines; i++) logger.info(`request ${i} served in ${12} ms`);
  const done = once(transport, 'finish');
  logger.end();
  await done;
}

async function pinoAsync(): Promise<void> {
  const dest = pino.destination({ dest: file, sync: false, minLength: 4096 });
  const logger = pino({ level: 'info', base: null }, dest);
  for (let i = 0; i < lines; i++) logger.info('request %d served in %d ms', i, 12);
  await new Promise<void>((resolve, reject) => dest.flush((err) => (err ? reject(err) : resolve())));
  dest.end();
  await once(dest, 'close');
}

const peers: Record<string, () => Promise<void>> = { cb, winston: win, pino: pinoAsync };
const run = peers[peer];
if (!run) throw new Error(`unknown peer ${peer}`);
const baseMB = process.resourceUsage().maxRSS / 1024;
const t0 = process.hrtime.bigint();
await run();
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
const rssMB = process.resourceUsage().maxRSS / 1024;
process.stdout.write(`${JSON.stringify({ seconds, rssMB, growthMB: rssMB - baseMB })}\n`);
