import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildApp, SESSION_COOKIE } from '../src/app.js';
import { createAuditLog } from '../src/audit.js';
import { createSuperuser } from '../src/auth/users.js';
import { LOGIN_ERROR } from '../src/routes/admin.js';
import { ADMIN, addAdmin, Client, escapeHtml, openTestSite, type TestSite } from './helpers.js';

let site: TestSite;
beforeAll(async () => {
  site = await openTestSite();
}, 60_000);
afterAll(async () => {
  await site.close();
});
beforeEach(async () => {
  await site.reset();
  await addAdmin(site.repo);
});

async function loggedIn(): Promise<Client> {
  const client = new Client(site);
  const page = await client.login();
  expect(page.status).toBe(303);
  return client;
}

function riddleForm(text: string, options: [string, boolean][], extra: Record<string, string> = {}) {
  const form: Record<string, string> = { riddle_text: text, pub_date: '2026-05-31T10:00', ...extra };
  form['options-total'] = String(options.length);
  options.forEach(([t, correct], i) => {
    form[`options-${i}-id`] = '';
    form[`options-${i}-text`] = t;
    if (correct) form[`options-${i}-correct`] = 'on';
  });
  return form;
}

describe('admin access', () => {
  it('redirects every admin page to the login page without a session', async () => {
    const id = await site.repo.createRiddle('R', site.clock.now, [{ text: 'o', correct: true }]);
    const option = (await site.repo.riddle(id))!.options[0]!.id;
    for (const url of [
      '/admin/',
      '/admin/riddles/add/',
      `/admin/riddles/${id}/`,
      `/admin/riddles/${id}/delete/`,
      `/admin/options/${option}/delete/`,
      '/admin/riddles/export.csv',
    ]) {
      const page = await new Client(site).get(url);
      expect(page.status, url).toBe(302);
      expect(page.headers.location).toBe(`/admin/login/?next=${encodeURIComponent(url)}`);
    }
  });

  it('refuses every admin action without a session, even with a valid CSRF token', async () => {
    const id = await site.repo.createRiddle('Keep me', site.clock.now, [{ text: 'o', correct: true }]);
    const client = new Client(site);
    for (const url of [
      '/admin/riddles/add/',
      `/admin/riddles/${id}/`,
      `/admin/riddles/${id}/delete/`,
      '/admin/logout/',
    ]) {
      await client.get(`/riddles/${id}/`); // a visitor session with a valid CSRF token
      const page = await client.post(url, riddleForm('Hacked', [['x', true]]));
      expect(page.status, url).toBe(403);
    }
    expect((await site.repo.riddle(id))?.riddleText).toBe('Keep me');
  });

  it('refuses an admin post without a CSRF token with 403, even when logged in', async () => {
    const client = await loggedIn();
    const page = await client.post('/admin/riddles/add/', riddleForm('No token', [['x', true]]), {
      csrf: false,
    });
    expect(page.status).toBe(403);
    expect(page.body).toContain('CSRF verification failed');
    expect(await site.repo.allRiddles()).toHaveLength(0);
  });
});

describe('login', () => {
  it('sets an HttpOnly, SameSite=Lax, signed session cookie and a fresh session id', async () => {
    const client = new Client(site);
    await client.get('/admin/login/');
    const before = client.cookies.get(SESSION_COOKIE);
    const res = await site.app.inject({
      method: 'POST',
      url: '/admin/login/',
      headers: {
        cookie: `${SESSION_COOKIE}=${before}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: new URLSearchParams({
        username: ADMIN.username,
        password: ADMIN.password,
        _csrf: client.csrf(),
      }).toString(),
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/admin/');
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(new RegExp(`^${SESSION_COOKIE}=`));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const value = decodeURIComponent(/^[^=]+=([^;]+)/.exec(cookie)![1]!);
    expect(value).toMatch(/^[^.]+\.[A-Za-z0-9+/_-]+$/); // <session id>.<signature>
    expect(value).not.toBe(decodeURIComponent(before!));
  });

  it('marks the session cookie Secure on HTTPS only (behind a trusted proxy)', async () => {
    const plain = await site.app.inject({ method: 'GET', url: '/admin/login/' });
    expect(String(plain.headers['set-cookie'])).toMatch(new RegExp(`^${SESSION_COOKIE}=`));
    expect(String(plain.headers['set-cookie'])).not.toMatch(/;\s*Secure/i);
    const audit = createAuditLog();
    const proxied = await buildApp({
      database: site.database,
      audit,
      secret: 's'.repeat(40),
      trustProxy: true,
    });
    try {
      const res = await proxied.inject({
        method: 'GET',
        url: '/admin/login/',
        headers: { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.7' },
      });
      expect(String(res.headers['set-cookie'])).toMatch(/;\s*Secure/i);
    } finally {
      await proxied.close();
      await audit.close();
    }
  });

  it('ignores a session cookie whose signature was tampered with', async () => {
    const client = await loggedIn();
    expect((await client.get('/admin/')).status).toBe(200);
    const value = decodeURIComponent(client.cookies.get(SESSION_COOKIE)!);
    const [sid, sig] = value.split('.');
    const flipped = `${sid}.${sig![0] === 'A' ? 'B' : 'A'}${sig!.slice(1)}`;
    client.cookies.set(SESSION_COOKIE, encodeURIComponent(flipped));
    expect((await client.get('/admin/')).status).toBe(302);
  });

  it('gives the same error for a wrong password and an unknown user', async () => {
    for (const [username, password] of [
      [ADMIN.username, 'wrong password'],
      ['nobody', ADMIN.password],
    ]) {
      const client = new Client(site);
      const page = await client.login(username, password);
      expect(page.status).toBe(401);
      expect(page.body).toContain(escapeHtml(LOGIN_ERROR));
      expect((await client.get('/admin/')).status).toBe(302);
    }
  });

  it('accepts the user name in any case', async () => {
    const page = await new Client(site).login('ADMIN', ADMIN.password);
    expect(page.status).toBe(303);
  });

  it('locks a name after 5 failures, even for the right password, until the lock expires', async () => {
    const client = new Client(site);
    for (let i = 0; i < 5; i++) expect((await client.login(ADMIN.username, `nope ${i}`)).status).toBe(401);
    const locked = await client.login(ADMIN.username, ADMIN.password);
    expect(locked.status).toBe(429);
    expect(locked.body).toContain('Too many failed login attempts. Try again in 15 minutes.');
    site.clock.now = new Date(site.clock.now.getTime() + 14 * 60_000);
    expect((await client.login(ADMIN.username, ADMIN.password)).status).toBe(429);
    site.clock.now = new Date(site.clock.now.getTime() + 61_000);
    expect((await client.login(ADMIN.username, ADMIN.password)).status).toBe(303);
  });

  it('locks unknown names too, so the lockout does not reveal which accounts exist', async () => {
    const client = new Client(site);
    for (let i = 0; i < 5; i++) await client.login('ghost', 'x');
    expect((await client.login('ghost', 'x')).status).toBe(429);
  });

  it('starts the count again after a successful login', async () => {
    const client = new Client(site);
    for (let i = 0; i < 4; i++) await client.login(ADMIN.username, 'bad');
    expect((await client.login()).status).toBe(303);
    const other = new Client(site);
    for (let i = 0; i < 4; i++) expect((await other.login(ADMIN.username, 'bad')).status).toBe(401);
    expect((await other.login()).status).toBe(303);
  });

  it('never redirects outside the admin after login', async () => {
    for (const next of ['https://evil.example/', '//evil.example/', '/riddles/', '/admin/\\evil']) {
      const client = new Client(site);
      await client.get('/admin/login/');
      const page = await client.post('/admin/login/', { ...ADMIN, next });
      expect(page.headers.location, next).toBe('/admin/');
    }
    const client = new Client(site);
    await client.get('/admin/login/');
    const page = await client.post('/admin/login/', { ...ADMIN, next: '/admin/riddles/add/' });
    expect(page.headers.location).toBe('/admin/riddles/add/');
  });

  it('logs out and forgets the session', async () => {
    const client = await loggedIn();
    await client.get('/admin/');
    const page = await client.post('/admin/logout/', {});
    expect(page.status).toBe(200);
    expect(page.body).toContain('Logged out');
    expect((await client.get('/admin/')).status).toBe(302);
    const rows = await site.database.query<{ n: number }>(
      "select count(*)::int as n from sessions where data ? 'userId'",
    );
    expect(rows[0]!.n).toBe(0);
  });
});

describe('createsuperuser', () => {
  it('refuses a name that exists in another case, and weak passwords', async () => {
    await expect(createSuperuser(site.repo, { ...ADMIN, username: 'ADMIN' })).rejects.toMatchObject({
      code: 'RIDDLES_USER_EXISTS',
    });
    await expect(createSuperuser(site.repo, { ...ADMIN, username: 'x y' })).rejects.toMatchObject({
      code: 'RIDDLES_INVALID_SUPERUSER',
      context: { field: 'username' },
    });
    await expect(
      createSuperuser(site.repo, { username: 'newbie123', email: '', password: 'NEWBIE123' }),
    ).rejects.toMatchObject({
      code: 'RIDDLES_INVALID_SUPERUSER',
      context: { field: 'password' },
    });
    await expect(
      createSuperuser(site.repo, { username: 'newbie', email: '', password: 'newbie12' }),
    ).resolves.toBeGreaterThan(0);
  });
});

describe('sessions', () => {
  it('stores sessions in the database and stops honouring them once expired', async () => {
    const client = await loggedIn();
    expect((await client.get('/admin/')).status).toBe(200);
    const rows = await site.database.query<{ n: number }>(
      "select count(*)::int as n from sessions where data ? 'userId'",
    );
    expect(rows[0]!.n).toBe(1);
    await site.database.query("update sessions set expires_at = now() - interval '1 second'");
    expect((await client.get('/admin/')).status).toBe(302);
  });

  it('purges expired sessions every n-th session save, without a timer', async () => {
    const audit = createAuditLog();
    const app = await buildApp({
      database: site.database,
      audit,
      secret: 's'.repeat(40),
      sessionPurgeEvery: 3,
    });
    try {
      await site.repo.sessionSet('stale', { cookie: {} }, new Date(Date.now() - 60_000));
      const visit = () => app.inject({ method: 'GET', url: '/admin/login/' });
      await visit();
      await visit();
      let sids = (await site.database.query<{ sid: string }>('select sid from sessions')).map((r) => r.sid);
      expect(sids).toContain('stale');
      expect(sids).toHaveLength(3);
      await visit();
      sids = (await site.database.query<{ sid: string }>('select sid from sessions')).map((r) => r.sid);
      expect(sids).not.toContain('stale');
      expect(sids).toHaveLength(3);
    } finally {
      await app.close();
      await audit.close();
    }
  });

  it('purges expired sessions when someone logs in', async () => {
    await site.repo.sessionSet('stale', { cookie: {} }, new Date(Date.now() - 60_000));
    await loggedIn();
    const rows = await site.database.query<{ sid: string }>('select sid from sessions');
    expect(rows.map((r) => r.sid)).not.toContain('stale');
    expect(rows).toHaveLength(1);
  });
});

describe('riddle CRUD', () => {
  it('creates a riddle with three options and lists it', async () => {
    const client = await loggedIn();
    await client.get('/admin/riddles/add/');
    const page = await client.post(
      '/admin/riddles/add/',
      riddleForm('What has a neck but no head?', [
        ['A bottle', true],
        ['A giraffe', false],
        ['A shirt', false],
      ]),
    );
    expect(page.status).toBe(303);
    const list = await client.get('/admin/');
    expect(list.body).toContain('was added successfully');
    expect(list.body).toContain('What has a neck but no head?');
    const [row] = await site.repo.allRiddles();
    expect(row!.optionCount).toBe(3);
    const riddle = (await site.repo.riddle(row!.id))!;
    expect(riddle.pubDate.toISOString()).toBe('2026-05-31T10:00:00.000Z');
    expect(riddle.options.map((o) => [o.text, o.correct])).toEqual([
      ['A bottle', true],
      ['A giraffe', false],
      ['A shirt', false],
    ]);
  });

  it('shows validation errors next to each field and keeps what was typed', async () => {
    const client = await loggedIn();
    await client.get('/admin/riddles/add/');
    const cases: [Record<string, string>, string, string][] = [
      [riddleForm('', [['a', true]]), 'error_riddle_text', 'This field is required.'],
      [
        riddleForm('x'.repeat(256), [['a', true]]),
        'error_riddle_text',
        'at most 255 characters (it has 256)',
      ],
      [
        riddleForm('ok', [['a', true]], { pub_date: '2026-02-30T10:00' }),
        'error_pub_date',
        'Enter a valid date',
      ],
      [riddleForm('ok', [['', true]]), 'error_options-0', 'This field is required.'],
      [
        riddleForm('ok', [
          ['a', false],
          ['b', false],
        ]),
        'error_options',
        'Mark at least one option as correct.',
      ],
      [
        riddleForm('ok', [
          ['a', true],
          ['é'.repeat(256), false],
        ]),
        'error_options-1',
        'at most 255 characters',
      ],
    ];
    for (const [form, id, message] of cases) {
      const page = await client.post('/admin/riddles/add/', form);
      expect(page.status, id).toBe(400);
      expect(page.body).toMatch(new RegExp(`id="${id}">[^<]*${message.replace(/[.()]/g, '\\$&')}`));
    }
    const kept = await client.post('/admin/riddles/add/', riddleForm('', [['Kept option', true]]));
    expect(kept.body).toContain('value="Kept option"');
    expect(await site.repo.allRiddles()).toHaveLength(0);
  });

  it('accepts exactly 255 characters, counted as PostgreSQL counts them', async () => {
    const client = await loggedIn();
    await client.get('/admin/riddles/add/');
    const text = '😀'.repeat(255);
    expect((await client.post('/admin/riddles/add/', riddleForm(text, [['a', true]]))).status).toBe(303);
    const [row] = await site.repo.allRiddles();
    expect(row!.riddleText).toBe(text);
  });

  it('edits a riddle, changes an option and adds another', async () => {
    const id = await site.repo.createRiddle('Old text', site.clock.now, [
      { text: 'Old A', correct: true },
      { text: 'Old B', correct: false },
    ]);
    const [a, b] = (await site.repo.riddle(id))!.options;
    const client = await loggedIn();
    const form = await client.get(`/admin/riddles/${id}/`);
    expect(form.body).toContain('value="Old A"');
    expect(form.body).toContain('name="options-total" value="5"');
    const page = await client.post(`/admin/riddles/${id}/`, {
      riddle_text: 'New text',
      pub_date: '2026-05-01T08:30',
      'options-total': '3',
      'options-0-id': String(a!.id),
      'options-0-text': 'New A',
      'options-1-id': String(b!.id),
      'options-1-text': 'Old B',
      'options-1-correct': 'on',
      'options-2-id': '',
      'options-2-text': 'Brand new C',
    });
    expect(page.status).toBe(303);
    const riddle = (await site.repo.riddle(id))!;
    expect(riddle.riddleText).toBe('New text');
    expect(riddle.options.map((o) => [o.text, o.correct])).toEqual([
      ['New A', false],
      ['Old B', true],
      ['Brand new C', false],
    ]);
  });

  it("refuses to edit another riddle's option through a forged id", async () => {
    const mine = await site.repo.createRiddle('Mine', site.clock.now, [{ text: 'm', correct: true }]);
    const theirs = await site.repo.createRiddle('Theirs', site.clock.now, [{ text: 't', correct: true }]);
    const foreign = (await site.repo.riddle(theirs))!.options[0]!.id;
    const client = await loggedIn();
    await client.get(`/admin/riddles/${mine}/`);
    const page = await client.post(`/admin/riddles/${mine}/`, {
      riddle_text: 'Mine',
      'options-total': '1',
      'options-0-id': String(foreign),
      'options-0-text': 'stolen',
      'options-0-correct': 'on',
    });
    expect(page.status).toBe(400);
    expect((await site.repo.riddle(theirs))!.options[0]!.text).toBe('t');
  });

  it('deletes a riddle and its options only after confirmation', async () => {
    const id = await site.repo.createRiddle('Doomed', site.clock.now, [
      { text: 'x', correct: true },
      { text: 'y', correct: false },
    ]);
    const client = await loggedIn();
    const confirm = await client.get(`/admin/riddles/${id}/delete/`);
    expect(confirm.status).toBe(200);
    expect(confirm.body).toContain(
      'Are you sure you want to delete the riddle “Doomed”? Its 2 options will be deleted too',
    );
    expect(await site.repo.riddle(id)).toBeDefined();
    const page = await client.post(`/admin/riddles/${id}/delete/`, {});
    expect(page.status).toBe(303);
    expect(await site.repo.riddle(id)).toBeUndefined();
    const left = await site.database.query<{ n: number }>('select count(*)::int as n from options');
    expect(left[0]!.n).toBe(0);
    expect((await client.get(`/admin/riddles/${id}/delete/`)).status).toBe(404);
  });

  it('deletes one option after confirmation', async () => {
    const id = await site.repo.createRiddle('Two', site.clock.now, [
      { text: 'keep', correct: true },
      { text: 'drop', correct: false },
    ]);
    const drop = (await site.repo.riddle(id))!.options[1]!.id;
    const client = await loggedIn();
    const confirm = await client.get(`/admin/options/${drop}/delete/`);
    expect(confirm.body).toContain('delete the option “drop” of the riddle “Two”');
    const page = await client.post(`/admin/options/${drop}/delete/`, {});
    expect(page.headers.location).toBe(`/admin/riddles/${id}/`);
    expect((await site.repo.riddle(id))!.options.map((o) => o.text)).toEqual(['keep']);
  });

  it('answers 404 for unknown riddles and options in the admin', async () => {
    const client = await loggedIn();
    for (const url of [
      '/admin/riddles/77/',
      '/admin/riddles/x/',
      '/admin/riddles/77/delete/',
      '/admin/options/77/delete/',
    ]) {
      expect((await client.get(url)).status, url).toBe(404);
    }
  });

  it('escapes riddle text in the admin', async () => {
    await site.repo.createRiddle('<script>alert(1)</script>', site.clock.now, []);
    const client = await loggedIn();
    const page = await client.get('/admin/');
    expect(page.body).not.toContain('<script>alert(1)');
    expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});

describe('CSV export', () => {
  it('exports riddles with their options as CSV that Python reads back', async () => {
    const tricky = 'Commas, "quotes"\nand a new line';
    await site.repo.createRiddle(tricky, new Date('2026-05-01T00:00:00Z'), [
      { text: 'yes, really', correct: true },
      { text: 'no', correct: false },
    ]);
    await site.repo.createRiddle('No options', new Date('2026-05-02T00:00:00Z'), []);
    await site.repo.createRiddle(
      '=HYPERLINK("http://example.invalid","click")',
      new Date('2026-05-03T00:00:00Z'),
      [
        { text: '+1', correct: true },
        { text: '@SUM(A1)', correct: false },
        { text: '-2 and a-b', correct: false },
      ],
    );
    const client = await loggedIn();
    const page = await client.get('/admin/riddles/export.csv');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(page.headers['content-disposition']).toBe('attachment; filename="riddles-2026-06-01.csv"');
    const parsed = JSON.parse(
      execFileSync(
        'python3',
        [
          '-c',
          'import csv,io,json,sys; print(json.dumps(list(csv.reader(io.StringIO(sys.stdin.read(), newline="")))))',
        ],
        {
          input: page.body,
        },
      ).toString(),
    );
    expect(parsed).toEqual([
      ['riddle_id', 'riddle_text', 'pub_date', 'option_id', 'option_text', 'correct'],
      ['1', tricky, '2026-05-01T00:00:00.000Z', '1', 'yes, really', 'true'],
      ['1', tricky, '2026-05-01T00:00:00.000Z', '2', 'no', 'false'],
      ['2', 'No options', '2026-05-02T00:00:00.000Z', '', '', ''],
      // Text that a spreadsheet would run as a formula is exported with a leading quote.
      ['3', `'=HYPERLINK("http://example.invalid","click")`, '2026-05-03T00:00:00.000Z', '3', "'+1", 'true'],
      [
        '3',
        `'=HYPERLINK("http://example.invalid","click")`,
        '2026-05-03T00:00:00.000Z',
        '4',
        "'@SUM(A1)",
        'false',
      ],
      [
        '3',
        `'=HYPERLINK("http://example.invalid","click")`,
        '2026-05-03T00:00:00.000Z',
        '5',
        "'-2 and a-b",
        'false',
      ],
    ]);
  });
});

describe('admin action log', () => {
  it('records who did what and when for every admin action', async () => {
    const client = new Client(site);
    await client.login(ADMIN.username, 'wrong');
    await client.login();
    await client.get('/admin/riddles/add/');
    await client.post('/admin/riddles/add/', riddleForm('Logged riddle', [['a', true]]));
    const id = (await site.repo.allRiddles())[0]!.id;
    await client.get(`/admin/riddles/${id}/`);
    await client.post(`/admin/riddles/${id}/`, riddleForm('Logged riddle 2', []));
    await client.get('/admin/riddles/export.csv');
    await client.get(`/admin/riddles/${id}/delete/`);
    await client.post(`/admin/riddles/${id}/delete/`, {});
    await client.get('/admin/');
    await client.post('/admin/logout/', {});
    const entries = site.audit.recent(20).slice().reverse();
    expect(entries.map((e) => [e.user, e.action])).toEqual([
      ['admin', 'login_failed'],
      ['admin', 'login'],
      ['admin', 'riddle_created'],
      ['admin', 'riddle_updated'],
      ['admin', 'csv_exported'],
      ['admin', 'riddle_deleted'],
      ['admin', 'logout'],
    ]);
    expect(entries[2]!.target).toContain('“Logged riddle”');
    expect(entries.every((e) => e.at.getTime() === site.clock.now.getTime())).toBe(true);
    expect(entries.every((e) => e.ip === '127.0.0.1')).toBe(true);
  });
});
