export {
  AbortError,
  BrokenBarrierError,
  ConcurrencyError,
  type ConcurrencyErrorCode,
  TimeoutError,
  WorkerCrashedError,
} from './errors.js';
export type { WaitOptions } from './options.js';
export { Lock, RLock, type Releaser } from './lock.js';
export { BoundedSemaphore, Semaphore } from './semaphore.js';
export { Condition } from './condition.js';
export { Event } from './event.js';
export { Barrier, type BarrierOptions, type BarrierWaitOptions } from './barrier.js';
export { Timer, type TimerOptions } from './timer.js';
export { currentTaskName, currentThread, local, runTask, type ThreadInfo } from './context.js';
export {
  limit,
  type LimitFunction,
  type LimitOptions,
  type LimitRunOptions,
  map,
  type MapContext,
  type MapOptions,
  type Mapper,
  mapUnordered,
} from './limit.js';
export { type PoolStats, type RunOptions, WorkerPool, type WorkerPoolOptions } from './pool.js';
export { SharedEvent, SharedLock, SharedSemaphore } from './shared.js';
