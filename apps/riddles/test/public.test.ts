import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MESSAGES } from '../src/routes/public.js';
import { Client, escapeHtml, openTestSite, type TestSite } from './helpers.js';

let site: TestSite;
beforeAll(async () => {
  site = await openTestSite();
}, 60_000);
afterAll(async () => {
  await site.close();
});
beforeEach(async () => {
  await site.reset();
});

async function seed(text: string, pubDate: Date, options: [string, boolean][] = []): Promise<number> {
  return site.repo.createRiddle(
    text,
    pubDate,
    options.map(([t, correct]) => ({ text: t, correct })),
  );
}

function optionIds(body: string): number[] {
  return [...body.matchAll(/name="option" id="option\d+" value="(\d+)"/g)].map((m) => Number(m[1]));
}

describe('GET /riddles/', () => {
  it('says no riddles are available when the table is empty', async () => {
    const page = await new Client(site).get('/riddles/');
    expect(page.status).toBe(200);
    expect(page.body).toContain(MESSAGES.noRiddles);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
  });

  it('lists only the 5 latest published riddles, newest first', async () => {
    const base = site.clock.now.getTime();
    for (let i = 1; i <= 7; i++) await seed(`Riddle number ${i}`, new Date(base - (8 - i) * 3_600_000));
    await seed('From the future', new Date(base + 3_600_000));
    const page = await new Client(site).get('/riddles/');
    const listed = [...page.body.matchAll(/<a href="\/riddles\/\d+\/">([^<]+)<\/a>/g)].map((m) => m[1]);
    expect(listed).toEqual([
      'Riddle number 7',
      'Riddle number 6',
      'Riddle number 5',
      'Riddle number 4',
      'Riddle number 3',
    ]);
    expect(page.body).not.toContain(MESSAGES.noRiddles);
  });

  it('redirects / and /riddles to /riddles/', async () => {
    const client = new Client(site);
    expect((await client.get('/')).headers.location).toBe('/riddles/');
    const res = await site.app.inject({ method: 'GET', url: '/riddles/1' });
    expect(res.statusCode).toBe(301);
    expect(res.headers.location).toBe('/riddles/1/');
  });

  it('serves main.css as a static file', async () => {
    const res = await site.app.inject({ method: 'GET', url: '/static/main.css' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/css/);
    expect(res.body).toContain('li a');
  });

  it('sends security headers on every page', async () => {
    const page = await new Client(site).get('/riddles/');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
  });
});

describe('GET /riddles/<id>/', () => {
  it('shows the riddle and its options as radio inputs in a CSRF-protected form', async () => {
    const id = await seed('What has keys but no locks?', site.clock.now, [
      ['A piano', true],
      ['A door', false],
    ]);
    const client = new Client(site);
    const page = await client.get(`/riddles/${id}/`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('What has keys but no locks?');
    expect(page.body).toContain(`action="/riddles/${id}/answer/" method="post"`);
    expect(optionIds(page.body)).toHaveLength(2);
    expect(page.body).toMatch(/type="radio" name="option"/);
    expect(client.csrf().length).toBeGreaterThan(10);
    expect(client.hasSession()).toBe(true);
  });

  it('answers 404 with a page for an unknown, malformed or unpublished riddle', async () => {
    const future = await seed('Not yet', new Date(site.clock.now.getTime() + 60_000));
    for (const url of ['/riddles/999/', '/riddles/abc/', '/riddles/0/', `/riddles/${future}/`]) {
      const page = await new Client(site).get(url);
      expect(page.status, url).toBe(404);
      expect(page.body).toContain('Page not found');
    }
  });

  it('shows riddle text with <script> escaped', async () => {
    const text = '<script>alert("x")</script> & friends';
    const id = await seed(text, site.clock.now, [['<b>bold</b>', true]]);
    const detail = await new Client(site).get(`/riddles/${id}/`);
    expect(detail.body).not.toContain('<script>alert');
    expect(detail.body).toContain(escapeHtml(text));
    expect(detail.body).toContain(escapeHtml('<b>bold</b>'));
    const list = await new Client(site).get('/riddles/');
    expect(list.body).not.toContain('<script>alert');
    expect(list.body).toContain(escapeHtml(text));
  });
});

describe('POST /riddles/<id>/answer/', () => {
  async function riddleWithOptions() {
    const id = await seed('What gets wetter the more it dries?', site.clock.now, [
      ['A towel', true],
      ['The sun', false],
      ['A sponge', false],
    ]);
    const client = new Client(site);
    const page = await client.get(`/riddles/${id}/`);
    const [right, wrong] = optionIds(page.body);
    return { id, client, right: String(right), wrong: String(wrong) };
  }

  it('says "Wrong Answer!" for a wrong option and shows the riddle again', async () => {
    const { id, client, wrong } = await riddleWithOptions();
    const page = await client.post(`/riddles/${id}/answer/`, { option: wrong });
    expect(page.status).toBe(200);
    expect(page.body).toContain(MESSAGES.wrong);
    expect(page.body).toContain('What gets wetter the more it dries?');
  });

  it('says "Nice! Choose another one!" for the right option and shows the list', async () => {
    const { id, client, right } = await riddleWithOptions();
    const page = await client.post(`/riddles/${id}/answer/`, { option: right });
    expect(page.status).toBe(200);
    expect(page.body).toContain(MESSAGES.correct);
    expect(page.body).toContain('Latest riddles');
  });

  it('answers 400 "Option does not exist" for a missing, unknown or foreign option', async () => {
    const { id, client } = await riddleWithOptions();
    const other = await seed('Another', site.clock.now, [['Elsewhere', true]]);
    const foreign = (await site.repo.riddle(other))!.options[0]!.id;
    const forms: Record<string, string>[] = [
      {},
      { option: '9999' },
      { option: 'x' },
      { option: String(foreign) },
    ];
    for (const form of forms) {
      const page = await client.post(`/riddles/${id}/answer/`, form);
      expect(page.status, JSON.stringify(form)).toBe(400);
      expect(page.body).toContain(MESSAGES.missingOption);
    }
  });

  it('answers 404 for an unknown riddle', async () => {
    const { client, right } = await riddleWithOptions();
    const page = await client.post('/riddles/4242/answer/', { option: right });
    expect(page.status).toBe(404);
  });

  it('refuses a post without a CSRF token with 403', async () => {
    const { id, client, right } = await riddleWithOptions();
    const page = await client.post(`/riddles/${id}/answer/`, { option: right }, { csrf: false });
    expect(page.status).toBe(403);
    expect(page.body).toContain('CSRF verification failed');
  });

  it('refuses a token from another session with 403', async () => {
    const { id, right } = await riddleWithOptions();
    const other = new Client(site);
    await other.get(`/riddles/${id}/`);
    const stranger = new Client(site);
    await stranger.get(`/riddles/${id}/`);
    stranger.lastBody = other.lastBody;
    const page = await stranger.post(`/riddles/${id}/answer/`, { option: right });
    expect(page.status).toBe(403);
  });
});
