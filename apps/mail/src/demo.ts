// Non-interactive demo: the four cookbook programs against embedded servers, printing what arrived.
import { PROGRAMS } from './programs.js';
import { runPrograms } from './run.js';

const received = await runPrograms(
  PROGRAMS,
  {},
  { from: 'Cookbook Sender <sender@example.com>', to: 'Cookbook Reader <reader@example.com>' },
  (line) => process.stdout.write(`${line}\n`),
);
process.stdout.write(`\n${received.length} messages delivered to the embedded servers.\n`);
