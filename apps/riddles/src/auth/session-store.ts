import type { Session } from 'fastify';
import type { Repository } from '../db/repo.js';

type Callback = (error?: unknown) => void;
type GetCallback = (error: unknown, session?: Session | null) => void;

/** Fallback lifetime for a session whose cookie carries no expiry (a browser-session cookie). */
const DEFAULT_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * A @fastify/session store backed by the `sessions` table, so sessions survive restarts and work
 * the same on PGlite and PostgreSQL. The session is stored as JSON; expired rows are never returned.
 */
export class DatabaseSessionStore {
  private writes = 0;

  /**
   * @param purgeEvery expired rows are deleted on every `purgeEvery`-th save, so visitors' CSRF-only
   * sessions do not pile up, without a timer to leak. Default: 200.
   */
  constructor(
    private readonly repo: Repository,
    private readonly purgeEvery = 200,
  ) {}

  set(sid: string, session: Session, callback: Callback): void {
    if (++this.writes % this.purgeEvery === 0) {
      this.repo.sessionPurge(new Date()).then(
        () => this.save(sid, session, callback),
        (error: unknown) => callback(error),
      );
      return;
    }
    this.save(sid, session, callback);
  }

  private save(sid: string, session: Session, callback: Callback): void {
    const data = JSON.parse(JSON.stringify(session)) as Record<string, unknown>;
    const cookie = data.cookie as { expires?: string | null } | undefined;
    const expiresAt =
      cookie?.expires != null ? new Date(cookie.expires) : new Date(Date.now() + DEFAULT_TTL_MS);
    this.repo.sessionSet(sid, data, expiresAt).then(() => callback(), callback);
  }

  get(sid: string, callback: GetCallback): void {
    this.repo.sessionGet(sid, new Date()).then(
      (data) => callback(null, (data as Session | undefined) ?? null),
      (error: unknown) => callback(error),
    );
  }

  destroy(sid: string, callback: Callback): void {
    this.repo.sessionDestroy(sid).then(() => callback(), callback);
  }
}
