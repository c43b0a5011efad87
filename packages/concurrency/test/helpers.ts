/** Resolves after the current macrotask, once pending promise callbacks and I/O have run. */
export const tick = (): Promise<void> => new Promise<void>((r) => setImmediate(r));
