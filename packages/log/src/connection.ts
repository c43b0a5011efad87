import { connect, type Socket } from 'node:net';

/** Where a stream connection goes: TCP host/port or a unix socket path. */
export type StreamTarget = { host: string; port: number } | { path: string };

/** Reconnection and buffering policy of a {@link StreamConnection}. */
export interface ConnectionPolicy {
  /** First delay before reconnecting, ms. */
  retryStart: number;
  /** Longest delay between reconnection attempts, ms. */
  retryMax: number;
  /** Growth of the delay after each failure. */
  retryFactor: number;
  /** Frames kept while disconnected; the oldest are dropped (and reported) beyond this. */
  maxQueue: number;
}

/**
 * A lazily opened, self-healing stream socket for log frames. Frames wait in a bounded queue while
 * the connection is down and go out in order once it is up. The socket is unref'd: logging never
 * keeps a process alive. Reconnection is tried on the next frame after the back-off delay, as Python.
 */
export class StreamConnection {
  private socket: Socket | null = null;
  private connected = false;
  private readonly queue: Buffer[] = [];
  private retryAt = 0;
  private retryDelay: number;
  private dropped = 0;
  private closed = false;
  private waiters: Array<() => void> = [];

  constructor(
    private readonly target: StreamTarget,
    private readonly policy: ConnectionPolicy,
    private readonly onError: (err: unknown) => void,
  ) {
    this.retryDelay = policy.retryStart;
  }

  send(frame: Buffer): void {
    if (this.closed) throw new Error('connection closed');
    if (this.connected && this.socket) {
      this.socket.write(frame);
      return;
    }
    this.queue.push(frame);
    if (this.queue.length > this.policy.maxQueue) {
      this.queue.shift();
      this.dropped++;
    }
    this.ensure();
  }

  private ensure(): void {
    if (this.socket !== null || Date.now() < this.retryAt) return;
    const s = 'path' in this.target ? connect(this.target.path) : connect(this.target.port, this.target.host);
    this.socket = s;
    s.unref();
    s.setNoDelay(true);
    s.on('connect', () => {
      this.connected = true;
      this.retryDelay = this.policy.retryStart;
      if (this.dropped > 0) {
        this.onError(new Error(`${this.dropped} log records were dropped while the connection was down`));
        this.dropped = 0;
      }
      for (const f of this.queue.splice(0)) s.write(f);
      this.notify();
    });
    s.on('error', (err) => {
      this.onError(err);
    });
    s.on('close', () => {
      this.socket = null;
      this.connected = false;
      if (!this.closed) {
        this.retryAt = Date.now() + this.retryDelay;
        this.retryDelay = Math.min(this.retryDelay * this.policy.retryFactor, this.policy.retryMax);
      }
      this.notify();
    });
  }

  private notify(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves when queued frames were handed to the kernel, or the connection is down. */
  flush(): Promise<void> {
    const s = this.socket;
    if (s === null) return Promise.resolve();
    if (!this.connected) {
      return new Promise((resolve) => {
        this.waiters.push(() => resolve(this.flush()));
      });
    }
    return new Promise((resolve) => {
      s.write('', () => resolve());
    });
  }

  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    const s = this.socket;
    if (s === null) return;
    await new Promise<void>((resolve) => {
      s.once('close', () => resolve());
      s.end();
      s.setTimeout(2000, () => s.destroy());
    });
  }
}
