// Runs every program of the threading chapter once, non-interactively.
import { runPrograms, setupLogging } from './tour.js';

setupLogging();
await runPrograms([]);
