/** Process-wide state, shared by every copy of @cb/log loaded in this process (ESM and CJS alike). */
export interface SharedState {
  /** Set once any formatter shows caller fields: loggers then capture the caller's frame. */
  needCaller: boolean;
  /** The logger registry (typed where it is used). */
  manager: unknown;
  /** Every live handler, for shutdown and the exit-time synchronous flush. */
  handlers: Set<{ flushSync(): void; close(): Promise<void> | void }>;
  /** Whether the process exit hook is installed. */
  exitHook: boolean;
}

const KEY = Symbol.for('cb.log.state');

/** The process-wide state object. */
export function shared(): SharedState {
  const g = globalThis as Record<symbol, SharedState | undefined>;
  let s = g[KEY];
  if (s === undefined) {
    s = { needCaller: false, manager: null, handlers: new Set(), exitHook: false };
    g[KEY] = s;
  }
  return s;
}
