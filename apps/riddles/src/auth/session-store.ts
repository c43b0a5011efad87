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
  constructor(private readonly repo: Repository) {}

  set(sid: string, session: Session, callback: Callback): void {
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
