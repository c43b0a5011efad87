// Entry of the daemon program's own process (see daemon.ts).
import { runDaemonProgram } from './daemon.js';

await runDaemonProgram((line) => process.stdout.write(`${line}\n`));
