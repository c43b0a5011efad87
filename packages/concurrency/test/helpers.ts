/** Resolves after the current macrotask, once pending promise callbacks and I/O have run. */
export const tick = (): Promise<void> => new Promise<void>((r) => setImmediate(r));

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise<void>((r) => setTimeout(r, ms));
