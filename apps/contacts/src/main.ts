import { parseArgs, runApp } from './app.js';

try {
  const args = parseArgs(process.argv.slice(2));
  await runApp({ ...args, input: process.stdin, output: process.stdout });
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
