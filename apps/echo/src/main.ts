import { parseArgs } from 'node:util';
import { MESSAGE, MODES, type Mode, parseMode, runClient, startEchoServer } from './echo.js';

const USAGE = `usage:
  echo server [--host H] [--port N] [--mode fixed|delimited|length-prefixed|all]
  echo client --port N [--host H] [--mode fixed|delimited|length-prefixed] [--message TEXT]`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      host: { type: 'string', default: 'localhost' },
      port: { type: 'string', default: '0' },
      mode: { type: 'string' },
      message: { type: 'string', default: MESSAGE },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals[0];
  if (values.help || (command !== 'server' && command !== 'client')) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`bad --port ${values.port}`);
  if (command === 'server') {
    const modes: readonly Mode[] =
      values.mode === undefined || values.mode === 'all' ? MODES : [parseMode(values.mode)];
    const server = await startEchoServer({ host: values.host, port, modes });
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    console.log('shutting down: waiting for open connections to finish');
    await server.close();
    console.log('server closed');
    return 0;
  }
  if (port === 0) throw new Error('client needs --port');
  const echoed = await runClient({
    host: values.host,
    port,
    mode: parseMode(values.mode ?? 'length-prefixed'),
    message: values.message,
  });
  return echoed === values.message ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error((err as Error).message);
    process.exitCode = 1;
  },
);
