import { PassThrough } from 'node:stream';
import { DictWriter } from '@cb/csv';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { AppContext } from '../app.js';
import { type AuditAction, logServerError } from '../audit.js';
import { dummyHash, verifyPassword } from '../auth/password.js';
import { field, readRiddleForm, riddleFormFor } from '../forms.js';
import { spreadsheetSafe } from '../spreadsheet.js';
import { findById, notFound } from './ids.js';

/** Shown for any wrong name or password, so the page never says which one was wrong. */
export const LOGIN_ERROR =
  'Please enter a correct username and password. Note that both fields may be case-sensitive.';

/** Columns of the CSV export, one row per option (a riddle without options gets one row). */
export const EXPORT_FIELDS = [
  'riddle_id',
  'riddle_text',
  'pub_date',
  'option_id',
  'option_text',
  'correct',
] as const;

/** Only same-site admin paths are accepted as `next`, so the login page is no open redirect. */
function safeNext(value: string): string {
  return /^\/admin\/[^\\]*$/.test(value) && !value.startsWith('//') ? value : '/admin/';
}

function flash(request: FastifyRequest, message: string): void {
  request.session.flash = [...(request.session.flash ?? []), message];
}

/** Quotes text for messages, shortened by code points so no surrogate pair is cut in half. */
function quote(text: string): string {
  const chars = [...text];
  return chars.length > 60 ? `“${chars.slice(0, 57).join('')}…”` : `“${text}”`;
}

/** `/admin/`: login, logout, riddle and option CRUD, CSV export. */
export function adminRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    const log = (request: FastifyRequest, action: AuditAction, target: string, user?: string) => {
      ctx.audit.record(
        { user: user ?? request.user?.username ?? '-', action, target, ip: request.ip },
        ctx.now(),
      );
    };

    // No admin page or action without a logged-in session.
    app.addHook('preHandler', async (request, reply) => {
      const path = request.routeOptions.url ?? '';
      if (path === '/admin/login/') return;
      const userId = request.session.userId;
      const user = userId === undefined ? undefined : await ctx.repo.userById(userId);
      if (user === undefined) {
        if (request.method === 'GET' || request.method === 'HEAD') {
          return reply.redirect(`/admin/login/?next=${encodeURIComponent(request.url)}`);
        }
        return reply.render('errors/403.njk', { reason: 'You must be logged in to do that.' }, 403);
      }
      request.user = user;
    });

    app.get<{ Querystring: { next?: string } }>('/login/', async (request, reply) => {
      const next = safeNext(request.query.next ?? '');
      if (request.session.userId !== undefined && (await ctx.repo.userById(request.session.userId))) {
        return reply.redirect(next);
      }
      return reply.render('admin/login.njk', { next, username: '' });
    });

    app.post('/login/', async (request, reply) => {
      const username = field(request.body, 'username').trim();
      const password = field(request.body, 'password');
      const next = safeNext(field(request.body, 'next'));
      const now = ctx.now();
      const locked = username === '' ? undefined : await ctx.repo.lockedUntil(username, now);
      if (locked !== undefined) {
        log(request, 'login_locked', `user ${username}`, username);
        const minutes = Math.max(1, Math.ceil((locked.getTime() - now.getTime()) / 60_000));
        return reply.render(
          'admin/login.njk',
          {
            next,
            username,
            error: `Too many failed login attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
          },
          429,
        );
      }
      const user = username === '' ? undefined : await ctx.repo.userByName(username);
      // Always pay for one scrypt, so a wrong name and a wrong password take the same time.
      const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyHash()));
      if (user === undefined || !ok) {
        if (username !== '') {
          await ctx.repo.recordFailure(username, now, ctx.lockout.maxFailures, ctx.lockout.lockMs);
        }
        log(request, 'login_failed', `user ${username}`, username || '-');
        return reply.render('admin/login.njk', { next, username, error: LOGIN_ERROR }, 401);
      }
      await ctx.repo.clearFailures(username);
      // A fresh session id on login defeats session fixation.
      await request.session.regenerate();
      request.session.userId = user.id;
      await ctx.repo.touchLogin(user.id, now);
      // Session expiry follows the real clock, like the session cookie itself.
      await ctx.repo.sessionPurge(new Date());
      log(request, 'login', `user ${user.username}`, user.username);
      return reply.redirect(next, 303);
    });

    app.post('/logout/', async (request, reply) => {
      log(request, 'logout', `user ${request.user?.username ?? '-'}`);
      await request.session.destroy();
      request.user = null;
      return reply.render('admin/logged_out.njk', {});
    });

    app.get('/', async (_request, reply) => {
      const riddles = await ctx.repo.allRiddles();
      return reply.render('admin/index.njk', { riddles, recent: ctx.audit.recent(10) });
    });

    app.get('/riddles/add/', async (_request, reply) =>
      reply.render('admin/riddle_form.njk', { form: riddleFormFor(undefined, ctx.now()), creating: true }),
    );

    app.post('/riddles/add/', async (request, reply) => {
      const result = readRiddleForm(request.body, ctx.now(), new Set());
      if (!result.ok)
        return reply.render('admin/riddle_form.njk', { form: result.form, creating: true }, 400);
      const { riddleText, pubDate, options } = result.value;
      const id = await ctx.repo.createRiddle(riddleText, pubDate, options);
      log(request, 'riddle_created', `riddle ${id} ${quote(riddleText)} with ${options.length} options`);
      flash(request, `The riddle ${quote(riddleText)} was added successfully.`);
      return reply.redirect('/admin/', 303);
    });

    const riddleById = (id: number) => ctx.repo.riddle(id);

    app.get<{ Params: { id: string } }>('/riddles/:id/', async (request, reply) => {
      const riddle = await findById(request.params.id, riddleById);
      if (riddle === undefined) return notFound(reply, request.url);
      return reply.render('admin/riddle_form.njk', {
        form: riddleFormFor(riddle, ctx.now()),
        riddle,
        creating: false,
      });
    });

    app.post<{ Params: { id: string } }>('/riddles/:id/', async (request, reply) => {
      const riddle = await findById(request.params.id, riddleById);
      if (riddle === undefined) return notFound(reply, request.url);
      const result = readRiddleForm(request.body, ctx.now(), new Set(riddle.options.map((o) => o.id)));
      if (!result.ok) {
        return reply.render('admin/riddle_form.njk', { form: result.form, riddle, creating: false }, 400);
      }
      const { riddleText, pubDate, options } = result.value;
      const found = await ctx.repo.updateRiddle(riddle.id, riddleText, pubDate, options);
      if (!found) return notFound(reply, request.url);
      log(request, 'riddle_updated', `riddle ${riddle.id} ${quote(riddleText)}`);
      flash(request, `The riddle ${quote(riddleText)} was changed successfully.`);
      return reply.redirect('/admin/', 303);
    });

    app.get<{ Params: { id: string } }>('/riddles/:id/delete/', async (request, reply) => {
      const riddle = await findById(request.params.id, riddleById);
      if (riddle === undefined) return notFound(reply, request.url);
      return reply.render('admin/riddle_delete.njk', { riddle });
    });

    app.post<{ Params: { id: string } }>('/riddles/:id/delete/', async (request, reply) => {
      const deleted = await findById(request.params.id, (id) => ctx.repo.deleteRiddle(id));
      if (deleted === undefined) return notFound(reply, request.url);
      log(request, 'riddle_deleted', `riddle ${deleted.id} ${quote(deleted.riddleText)}`);
      flash(request, `The riddle ${quote(deleted.riddleText)} was deleted successfully.`);
      return reply.redirect('/admin/', 303);
    });

    app.get<{ Params: { id: string } }>('/options/:id/delete/', async (request, reply) => {
      const option = await findById(request.params.id, (id) => ctx.repo.option(id));
      if (option === undefined) return notFound(reply, request.url);
      return reply.render('admin/option_delete.njk', { option });
    });

    app.post<{ Params: { id: string } }>('/options/:id/delete/', async (request, reply) => {
      const deleted = await findById(request.params.id, (id) => ctx.repo.deleteOption(id));
      if (deleted === undefined) return notFound(reply, request.url);
      log(
        request,
        'option_deleted',
        `option ${deleted.id} ${quote(deleted.text)} of riddle ${deleted.riddleId}`,
      );
      flash(request, `The option ${quote(deleted.text)} was deleted successfully.`);
      return reply.redirect(`/admin/riddles/${deleted.riddleId}/`, 303);
    });

    app.get('/riddles/export.csv', async (request, reply) => {
      const rows = await ctx.repo.exportRows();
      log(request, 'csv_exported', `${rows.length} rows`);
      const stamp = ctx.now().toISOString().slice(0, 10);
      const body = new PassThrough();
      reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="riddles-${stamp}.csv"`)
        .send(body);
      // Streamed through @cb/csv's DictWriter: the header comes from the field names, and the
      // writer quotes text with commas, quotes or newlines exactly as Python's csv module does.
      const out = new DictWriter(body, EXPORT_FIELDS);
      try {
        out.writeHeader();
        for (const r of rows) {
          out.writeRow({
            riddle_id: r.riddleId,
            riddle_text: spreadsheetSafe(r.riddleText),
            pub_date: r.pubDate,
            option_id: r.optionId,
            option_text: r.text === null ? r.text : spreadsheetSafe(r.text),
            correct: r.correct,
          });
        }
        await out.close();
      } catch (error) {
        // The client went away or the writer failed: record it and cut the response short.
        logServerError(error, request);
        body.destroy(error instanceof Error ? error : new Error(String(error)));
      }
      return reply;
    });
  };
}
