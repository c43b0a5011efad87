import type { FastifyInstance } from 'fastify';
import { buildApp, SESSION_COOKIE } from '../src/app.js';
import { type AuditLog, createAuditLog } from '../src/audit.js';
import { hashPassword } from '../src/auth/password.js';
import { type Database, openDatabase } from '../src/db/client.js';
import { Repository } from '../src/db/repo.js';

export const ADMIN = { username: 'admin', email: 'admin@example.com', password: 'correct horse battery' };

/** An app on an in-memory PGlite, migrated; `reset()` empties every table between tests. */
export interface TestSite {
  app: FastifyInstance;
  database: Database;
  repo: Repository;
  audit: AuditLog;
  clock: { now: Date };
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** Empties every table of the app and restarts its ids, on PGlite or PostgreSQL. */
export async function emptyTables(database: Database): Promise<void> {
  await database.query('TRUNCATE riddles, options, users, login_attempts, sessions RESTART IDENTITY CASCADE');
}

const START = '2026-06-01T12:00:00Z';

export async function openTestSite(): Promise<TestSite> {
  const database = await openDatabase({ memory: true });
  await database.migrate();
  const repo = new Repository(database.db);
  const clock = { now: new Date(START) };
  const start = (log: AuditLog) =>
    buildApp({ database, audit: log, secret: 's'.repeat(40), now: () => clock.now });
  let audit = createAuditLog();
  let app = await start(audit);
  return {
    get app() {
      return app;
    },
    database,
    repo,
    get audit() {
      return audit;
    },
    clock,
    async reset() {
      await app.close();
      await emptyTables(database);
      clock.now = new Date(START);
      audit = createAuditLog();
      app = await start(audit);
    },
    async close() {
      await app.close();
      await audit.close();
      await database.close();
    },
  };
}

/**
 * Adds the test admin. Its hash uses a cheap scrypt cost (the cost travels with the hash), so the
 * many logins of the suite stay fast; `createSuperuser` itself is tested with the real cost.
 */
export async function addAdmin(repo: Repository): Promise<void> {
  await repo.createUser(
    ADMIN.username,
    ADMIN.email,
    await hashPassword(ADMIN.password, { N: 2 ** 10, r: 8, p: 1 }),
  );
}

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text the way nunjucks' autoescape does, so tests can look for text as the page holds it. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

export interface Page {
  status: number;
  body: string;
  headers: Record<string, string | string[] | number | undefined>;
}

/** A browser-like client over `inject`: keeps cookies, finds the CSRF token in the last page. */
export class Client {
  cookies = new Map<string, string>();
  lastBody = '';

  constructor(private readonly site: TestSite) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private remember(setCookie: string | string[] | number | undefined): void {
    const list = Array.isArray(setCookie) ? setCookie : typeof setCookie === 'string' ? [setCookie] : [];
    for (const line of list) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  csrf(): string {
    const match = /name="_csrf" value="([^"]+)"/.exec(this.lastBody);
    if (match === null) throw new Error('no CSRF token on the last page');
    return match[1]!.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
  }

  async get(url: string): Promise<Page> {
    const res = await this.site.app.inject({ method: 'GET', url, headers: { cookie: this.cookieHeader() } });
    this.remember(res.headers['set-cookie']);
    if (res.statusCode < 300 || res.statusCode >= 400) this.lastBody = res.body;
    return { status: res.statusCode, body: res.body, headers: res.headers };
  }

  /** Posts a form; the CSRF token of the last page is added unless `csrf: false`. */
  async post(url: string, form: Record<string, string>, opts: { csrf?: boolean } = {}): Promise<Page> {
    const fields = { ...form };
    if (opts.csrf !== false) fields._csrf = this.csrf();
    const res = await this.site.app.inject({
      method: 'POST',
      url,
      headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(fields).toString(),
    });
    this.remember(res.headers['set-cookie']);
    if (res.statusCode < 300 || res.statusCode >= 400) this.lastBody = res.body;
    return { status: res.statusCode, body: res.body, headers: res.headers };
  }

  async login(username = ADMIN.username, password = ADMIN.password): Promise<Page> {
    await this.get('/admin/login/');
    return this.post('/admin/login/', { username, password, next: '/admin/' });
  }

  hasSession(): boolean {
    return this.cookies.has(SESSION_COOKIE);
  }
}
