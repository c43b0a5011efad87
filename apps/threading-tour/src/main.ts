// `npm start -- [program ...]`: runs the chosen programs of the tour (all by default).
import { PROGRAMS, runPrograms, setupLogging } from './tour.js';

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  process.stdout.write(`usage: npm start -- [${Object.keys(PROGRAMS).join(' | ')}] ...\n`);
} else {
  setupLogging();
  await runPrograms(args);
}
