import fastifyCookie, { Signer } from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifySession from '@fastify/session';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import nunjucks from 'nunjucks';
import { type AuditLog, logServerError } from './audit.js';
import { DatabaseSessionStore } from './auth/session-store.js';
import { STATIC_DIR, TEMPLATES_DIR } from './config.js';
import type { Database } from './db/client.js';
import { Repository } from './db/repo.js';
import type { User } from './db/schema.js';
import { adminRoutes } from './routes/admin.js';
import { publicRoutes } from './routes/public.js';

declare module 'fastify' {
  interface Session {
    userId?: number;
    flash?: string[];
  }
  interface FastifyRequest {
    /** The logged-in admin, set on `/admin/` routes. */
    user: User | null;
  }
  interface FastifyReply {
    /** Renders a nunjucks template as an HTML response. */
    render(template: string, context?: Record<string, unknown>, status?: number): FastifyReply;
  }
}

/** Login lockout policy. */
export interface LockoutPolicy {
  /** Consecutive failures that lock a user name. Default: 5. */
  maxFailures: number;
  /** How long the lock lasts, in milliseconds. Default: 15 minutes. */
  lockMs: number;
}

/** Everything {@link buildApp} needs; the database is opened and migrated by the caller. */
export interface AppOptions {
  database: Database;
  audit: AuditLog;
  /** Session signing secret, at least 32 characters. */
  secret: string;
  /** Clock used by lockout and publication dates. Default: `() => new Date()`. */
  now?: () => Date;
  /** Session cookie `Secure` flag; `'auto'` sets it on HTTPS requests. Default: `'auto'`. */
  secureCookie?: boolean | 'auto';
  /** Delete expired sessions on every n-th session save. Default: 200. */
  sessionPurgeEvery?: number;
  /** Session lifetime in milliseconds. Default: 8 hours. */
  sessionMaxAgeMs?: number;
  lockout?: Partial<LockoutPolicy>;
  /**
   * Trust `X-Forwarded-For`/`-Proto` from a reverse proxy, so the client IP in the admin log and the
   * cookie's `Secure` flag follow the proxy's view. Default: false.
   */
  trustProxy?: boolean;
  /** Fastify's logger option. Default: false. */
  logger?: boolean;
}

/** What route modules get from the app. */
export interface AppContext {
  repo: Repository;
  audit: AuditLog;
  now: () => Date;
  lockout: LockoutPolicy;
}

/** The session cookie's name. */
export const SESSION_COOKIE = 'riddles_session';

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Escapes text for an HTML attribute or element. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function formatDate(value: unknown): string {
  const date = value instanceof Date ? value : new Date(String(value));
  if (Number.isNaN(date.getTime())) return '';
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Builds the riddles site: public pages under `/riddles/`, the admin under `/admin/`. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  if (options.secret.length < 32) throw new TypeError('`secret` must be at least 32 characters long');
  const purgeEvery = options.sessionPurgeEvery ?? 200;
  if (!Number.isInteger(purgeEvery) || purgeEvery < 1) {
    throw new TypeError(`\`sessionPurgeEvery\` must be a positive integer, got ${purgeEvery}`);
  }
  const now = options.now ?? (() => new Date());
  const repo = new Repository(options.database.db);
  const ctx: AppContext = {
    repo,
    audit: options.audit,
    now,
    lockout: { maxFailures: 5, lockMs: 15 * 60 * 1000, ...options.lockout },
  };

  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(TEMPLATES_DIR), {
    autoescape: true,
    throwOnUndefined: false,
  });
  env.addFilter('date', formatDate);

  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: 256 * 1024,
    trustProxy: options.trustProxy ?? false,
  });

  await app.register(fastifyFormbody);
  await app.register(fastifyCookie);
  await app.register(fastifySession, {
    // A Signer instance rather than the string: @fastify/session would otherwise require
    // @fastify/cookie from its own folder, where npm does not guarantee it is installed.
    secret: new Signer(options.secret, 'sha256'),
    cookieName: SESSION_COOKIE,
    store: new DatabaseSessionStore(repo, purgeEvery),
    saveUninitialized: false,
    rolling: false,
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: options.secureCookie ?? 'auto',
      path: '/',
      maxAge: options.sessionMaxAgeMs ?? 8 * 60 * 60 * 1000,
    },
  });
  await app.register(fastifyCsrf, { sessionPlugin: '@fastify/session' });
  await app.register(fastifyStatic, { root: STATIC_DIR, prefix: '/static/', index: false });

  app.decorateRequest('user', null);
  app.decorateReply(
    'render',
    function render(
      this: FastifyReply,
      template: string,
      context: Record<string, unknown> = {},
      status = 200,
    ) {
      const request = this.request;
      let token: string | undefined;
      const csrfInput = () => {
        token ??= this.generateCsrf();
        return new nunjucks.runtime.SafeString(
          `<input type="hidden" name="_csrf" value="${escapeHtml(token)}">`,
        );
      };
      const flash = request.session?.flash;
      if (flash !== undefined && flash.length > 0) request.session.flash = [];
      const html = env.render(template, {
        ...context,
        user: request.user,
        messages: flash ?? [],
        csrf_input: csrfInput,
      });
      return this.code(status).type('text/html; charset=utf-8').send(html);
    },
  );

  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header(
      'content-security-policy',
      "default-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
    );
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'same-origin');
    return payload;
  });

  // Every unsafe request must carry the CSRF token of its session (Django's CsrfViewMiddleware).
  app.addHook('preHandler', (request, reply, done) => {
    if (!UNSAFE_METHODS.has(request.method)) {
      done();
      return;
    }
    app.csrfProtection(request, reply, done);
  });

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status === 403 && error.code?.startsWith('FST_CSRF') === true) {
      return reply.render('errors/403.njk', { reason: 'CSRF verification failed. Request aborted.' }, 403);
    }
    if (status >= 400 && status < 500) {
      return reply.render('errors/400.njk', { reason: error.message }, status);
    }
    logServerError(error, request);
    return reply.render('errors/500.njk', {}, 500);
  });

  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    const url = new URL(request.url, 'http://localhost');
    // Django's APPEND_SLASH: /riddles/3 -> /riddles/3/
    if (request.method === 'GET' && !url.pathname.endsWith('/') && !url.pathname.includes('.')) {
      return reply.redirect(`${url.pathname}/${url.search}`, 301);
    }
    return reply.render('errors/404.njk', { path: url.pathname }, 404);
  });

  app.get('/', (_request, reply) => reply.redirect('/riddles/'));
  await app.register(publicRoutes(ctx), { prefix: '/riddles' });
  await app.register(adminRoutes(ctx), { prefix: '/admin' });
  return app;
}
