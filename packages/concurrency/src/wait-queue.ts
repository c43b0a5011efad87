import { type NormalizedWait, abortErrorFor, timeoutErrorFor } from './options.js';

/** One parked caller, in a doubly linked list so a caller that gives up is unlinked in O(1). */
interface Node<T> {
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
  live: boolean;
  prev: Node<T> | undefined;
  next: Node<T> | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/**
 * A FIFO of parked callers, each with its own timeout and abort signal. A caller that timed out or
 * was aborted is dead: it is never woken later, so it can never acquire anything after giving up.
 */
export class WaitQueue<T> {
  #head: Node<T> | undefined;
  #tail: Node<T> | undefined;
  #size = 0;

  /** Number of live waiters. */
  get size(): number {
    return this.#size;
  }

  /**
   * Parks a caller. On timeout it resolves with `onTimeout()` when given, else rejects with a
   * `TimeoutError`; on abort it rejects with an `AbortError`. Callers check `signal.aborted` first.
   */
  park(opts: NormalizedWait, what: string, onTimeout?: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const node: Node<T> = {
        resolve,
        reject,
        live: true,
        prev: this.#tail,
        next: undefined,
        timer: undefined,
        signal: undefined,
        onAbort: undefined,
      };
      if (this.#tail) this.#tail.next = node;
      else this.#head = node;
      this.#tail = node;
      this.#size++;
      const { signal, timeout } = opts;
      if (timeout !== Number.POSITIVE_INFINITY) {
        node.timer = setTimeout(() => {
          if (!this.#kill(node)) return;
          if (onTimeout) resolve(onTimeout());
          else reject(timeoutErrorFor(timeout, what));
        }, timeout);
      }
      if (signal) {
        node.signal = signal;
        node.onAbort = () => {
          if (this.#kill(node)) reject(abortErrorFor(signal, what));
        };
        signal.addEventListener('abort', node.onAbort, { once: true });
      }
    });
  }

  /** Wakes the oldest live waiter with `value`. Returns false when nobody was waiting. */
  wakeOne(value: T): boolean {
    const node = this.#head;
    if (!node) return false;
    this.#kill(node);
    node.resolve(value);
    return true;
  }

  /** Wakes every live waiter with `value`; returns how many were woken. */
  wakeAll(value: T): number {
    let n = 0;
    while (this.wakeOne(value)) n++;
    return n;
  }

  /** Rejects every live waiter with a fresh error from `makeError`. */
  rejectAll(makeError: () => unknown): number {
    let n = 0;
    for (let node = this.#head; node; node = this.#head) {
      this.#kill(node);
      node.reject(makeError());
      n++;
    }
    return n;
  }

  /** Unlinks a node and releases its timer and abort listener. False if it was already dead. */
  #kill(node: Node<T>): boolean {
    if (!node.live) return false;
    node.live = false;
    this.#size--;
    if (node.prev) node.prev.next = node.next;
    else this.#head = node.next;
    if (node.next) node.next.prev = node.prev;
    else this.#tail = node.prev;
    node.prev = undefined;
    node.next = undefined;
    if (node.timer !== undefined) clearTimeout(node.timer);
    if (node.onAbort) node.signal?.removeEventListener('abort', node.onAbort);
    node.timer = undefined;
    node.onAbort = undefined;
    return true;
  }
}
