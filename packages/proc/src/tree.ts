import { readdirSync, readFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

/**
 * One live child this module is responsible for. `tree` means the child leads its own process
 * group, so signalling `-pid` reaches every descendant that stayed in the group.
 */
export interface Tracked {
  readonly pid: number;
  readonly tree: boolean;
  /** Set once SIGTERM went out; the exit hook then sends SIGKILL instead. */
  terminating: boolean;
  /** The child itself exited while descendants stayed in its group ("lingering"). */
  leaderGone?: boolean;
}

const live = new Set<Tracked>();
const FORWARDED: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
let installed = false;

/** Sends `sig` to the child (or its whole group); false when nothing was there to signal. */
export function signalTarget(t: Pick<Tracked, 'pid' | 'tree'>, sig: NodeJS.Signals | number): boolean {
  try {
    process.kill(t.tree ? -t.pid : t.pid, sig);
    return true;
  } catch (err) {
    // EPERM means something is there but not ours to signal (a setuid descendant): still alive.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const HAS_PROC = (() => {
  try {
    readFileSync('/proc/self/stat');
    return true;
  } catch {
    return false;
  }
})();

/** State letter and process group of a pid from /proc, or null when it is gone. */
function procStat(pid: number | string): { state: string; pgrp: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // The command name is in parentheses and may itself contain spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0]!, pgrp: Number(fields[2]) };
  } catch {
    return null;
  }
}

/**
 * Whether anything of the target still runs. Zombies do not count: where PID 1 does not reap
 * (containers), orphaned descendants linger as zombies in the group forever. Without /proc, falls
 * back to signal 0, which counts zombies (slower to settle, never wrong the other way).
 */
export function isAlive(t: Pick<Tracked, 'pid' | 'tree'>): boolean {
  if (!HAS_PROC) return signalTarget(t, 0);
  if (!t.tree) {
    const st = procStat(t.pid);
    return st !== null && st.state !== 'Z' && st.state !== 'X';
  }
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return signalTarget(t, 0);
  }
  for (const name of entries) {
    const c = name.charCodeAt(0);
    if (c < 48 || c > 57) continue;
    const st = procStat(name);
    if (st !== null && st.pgrp === t.pid && st.state !== 'Z' && st.state !== 'X') return true;
  }
  return false;
}

const EXIT_GRACE_MS = 500;
const EXIT_POLL_MS = 10;

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * A lingering group is signalled only while /proc shows it still has live members, so a process
 * group id the system has since handed to someone else is never hit.
 */
function safeToSignal(t: Tracked): boolean {
  return !t.leaderGone || !HAS_PROC || isAlive(t);
}

function onExit(): void {
  // The parent is going away: SIGTERM everything it still owns, give it a short, bounded grace
  // (the event loop is over, so this waits synchronously), then SIGKILL what is left.
  const targets = [...live].filter(safeToSignal);
  live.clear();
  uninstall();
  for (const t of targets) signalTarget(t, t.terminating ? 'SIGKILL' : 'SIGTERM');
  if (!HAS_PROC) return;
  const end = Date.now() + EXIT_GRACE_MS;
  let alive = targets.filter(isAlive);
  while (alive.length > 0 && Date.now() < end) {
    sleepSync(EXIT_POLL_MS);
    alive = alive.filter(isAlive);
  }
  for (const t of alive) signalTarget(t, 'SIGKILL');
}

function onSignal(sig: NodeJS.Signals): void {
  // Our children sit in their own process groups, so the terminal's Ctrl-C (or a hangup) did not
  // reach them: pass it on, as the terminal would have.
  for (const t of live) if (safeToSignal(t)) signalTarget(t, sig);
  // Someone else handles this signal: the application decides whether to exit, and the exit hook
  // covers what is left when it does.
  if (process.listenerCount(sig) > 1) return;
  // Nobody else: clean up as on exit (the forwarded signal may not be enough: shells start
  // background jobs with SIGINT ignored), then die of the signal as if nobody had listened.
  onExit();
  process.kill(process.pid, sig);
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', onExit);
  if (isMainThread) for (const sig of FORWARDED) process.on(sig, onSignal);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.off('exit', onExit);
  if (isMainThread) for (const sig of FORWARDED) process.off(sig, onSignal);
}

/** Registers a child so it cannot outlive this process. */
export function track(t: Tracked): void {
  // Lingering groups whose last member is gone need no cleanup any more.
  for (const x of live) if (x.leaderGone && !signalTarget(x, 0)) live.delete(x);
  live.add(t);
  install();
}

/**
 * The child itself exited. Its group stays tracked while descendants linger in it (a shell's
 * `cmd &`), so they do not outlive this process either; an empty group is forgotten at once.
 */
export function childExited(t: Tracked): void {
  if (t.tree && signalTarget(t, 0)) t.leaderGone = true;
  else untrack(t);
}

/** Forgets a child (it exited, or its tree was killed). */
export function untrack(t: Tracked): void {
  live.delete(t);
  if (live.size === 0) uninstall();
}

/** Number of children currently tracked (for tests and diagnostics). */
export function trackedCount(): number {
  return live.size;
}

const POLL_MS = 10;
const KILL_SETTLE_MS = 1000;

/**
 * SIGTERM to the child (its whole group with `tree`), then SIGKILL once `graceMs` passed while
 * anything of it is still alive. Resolves when nothing is left (or SIGKILL went out).
 *
 * `exited()` tells whether the direct child has been reaped; for a group, liveness is probed with
 * signal 0, which also sees descendants after the leader is gone.
 */
export function terminate(t: Tracked, graceMs: number, exited: () => boolean): Promise<void> {
  t.terminating = true;
  const alive = (): boolean => (t.tree ? isAlive(t) : !exited());
  if (!signalTarget(t, 'SIGTERM') && (t.tree || exited())) return Promise.resolve();
  return new Promise((resolve) => {
    const started = Date.now();
    const timer = setInterval(() => {
      if (!alive()) {
        clearInterval(timer);
        resolve();
      } else if (Date.now() - started >= graceMs) {
        signalTarget(t, 'SIGKILL');
        // A process stuck in the kernel cannot die at once; do not wait for it forever.
        if (!t.tree || !alive() || Date.now() - started >= graceMs + KILL_SETTLE_MS) {
          clearInterval(timer);
          resolve();
        }
      }
    }, POLL_MS);
  });
}
