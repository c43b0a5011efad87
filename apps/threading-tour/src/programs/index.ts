export { crawlSite, PAGES, startSite } from './crawler.js';
export { runDaemonProgram, watchDaemon } from './daemon.js';
export { animalRace, ANIMALS } from './race.js';
export { lockingRepository, Repository } from './repository.js';
export { taskLocalIds } from './task-local.js';
export { twoTimers } from './timers.js';
export { startAndJoin } from './workers.js';
