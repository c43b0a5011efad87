/**
 * `npm run demo`: a non-interactive tour. Starts the site on an ephemeral port with a fresh embedded
 * database in a temporary folder, applies the migrations, seeds three riddles, answers one wrong and
 * one right over HTTP, shows the admin's CSV export, prints every page as text and stops.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildApp } from './app.js';
import { createAuditLog } from './audit.js';
import { createSuperuser } from './auth/users.js';
import { openDatabase } from './db/client.js';
import { pendingMigrations } from './db/migrations.js';
import { Repository } from './db/repo.js';
import { htmlToText } from './text.js';

/** A tiny browser: keeps cookies, follows nothing, remembers the last CSRF token. */
class Browser {
  private cookies = new Map<string, string>();
  private token = '';
  constructor(private readonly base: string) {}

  async request(method: 'GET' | 'POST', url: string, form?: Record<string, string>) {
    const headers: Record<string, string> = {
      cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
    };
    let body: string | undefined;
    if (form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams({ ...form, _csrf: this.token }).toString();
    }
    const res = await fetch(new URL(url, this.base), { method, headers, body, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
    const text = await res.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(text);
    if (token !== null) this.token = token[1]!;
    return {
      status: res.status,
      location: res.headers.get('location'),
      text,
      type: res.headers.get('content-type'),
    };
  }
}

function show(title: string, page: { status: number; text: string }): void {
  process.stdout.write(`\n----- ${title} (HTTP ${page.status}) -----\n${htmlToText(page.text)}\n`);
}

const dir = await mkdtemp(path.join(tmpdir(), 'riddles-demo-'));
const database = await openDatabase({ dataDir: path.join(dir, 'pglite') });
const audit = createAuditLog();
const app = await buildApp({ database, audit, secret: 'demo-secret-demo-secret-demo-secret!' });
try {
  const pending = await pendingMigrations(database);
  process.stdout.write(`Database: ${database.location}\nRunning migrations:\n`);
  await database.migrate();
  for (const m of pending) process.stdout.write(`  Applying ${m.tag}... OK\n`);

  const repo = new Repository(database.db);
  const hour = 3_600_000;
  const t = Date.now();
  const seeds: [string, [string, boolean][]][] = [
    [
      'What has keys but can’t open locks?',
      [
        ['A piano', true],
        ['A map', false],
        ['A janitor', false],
      ],
    ],
    [
      'What gets wetter the more it dries?',
      [
        ['A sponge', false],
        ['A towel', true],
        ['The sea', false],
      ],
    ],
    [
      'What has a neck but no head?',
      [
        ['A bottle', true],
        ['A giraffe', false],
        ['A guitar case', false],
      ],
    ],
  ];
  const ids: number[] = [];
  for (const [i, [text, options]] of seeds.entries()) {
    ids.push(
      await repo.createRiddle(
        text,
        new Date(t - (3 - i) * hour),
        options.map(([o, correct]) => ({ text: o, correct })),
      ),
    );
  }
  process.stdout.write(`Seeded ${ids.length} riddles.\n`);

  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  process.stdout.write(`Serving at ${address}/riddles/\n`);
  const browser = new Browser(address);

  show('GET /riddles/', await browser.request('GET', '/riddles/'));
  const riddleId = ids[1]!;
  const detail = await browser.request('GET', `/riddles/${riddleId}/`);
  show(`GET /riddles/${riddleId}/`, detail);
  const riddle = (await repo.riddle(riddleId))!;
  const wrong = riddle.options.find((o) => !o.correct)!;
  const right = riddle.options.find((o) => o.correct)!;
  show(
    `POST /riddles/${riddleId}/answer/ option=${wrong.text}`,
    await browser.request('POST', `/riddles/${riddleId}/answer/`, { option: String(wrong.id) }),
  );
  show(
    `POST /riddles/${riddleId}/answer/ option=${right.text}`,
    await browser.request('POST', `/riddles/${riddleId}/answer/`, { option: String(right.id) }),
  );

  await createSuperuser(repo, { username: 'admin', email: 'admin@example.com', password: 'demo password 1' });
  const admin = new Browser(address);
  await admin.request('GET', '/admin/login/');
  const login = await admin.request('POST', '/admin/login/', {
    username: 'admin',
    password: 'demo password 1',
    next: '/admin/',
  });
  process.stdout.write(`\nPOST /admin/login/ as admin -> HTTP ${login.status} ${login.location ?? ''}\n`);
  show('GET /admin/', await admin.request('GET', '/admin/'));
  const csv = await admin.request('GET', '/admin/riddles/export.csv');
  process.stdout.write(
    `\n----- GET /admin/riddles/export.csv (HTTP ${csv.status}, ${csv.type}) -----\n${csv.text}`,
  );
  await admin.request('POST', '/admin/logout/', {});
  process.stdout.write('\nAdmin action log:\n');
  for (const entry of audit.recent(10).slice().reverse()) {
    process.stdout.write(`  ${entry.at.toISOString()} ${entry.user} ${entry.action} ${entry.target}\n`);
  }
} finally {
  await app.close();
  await audit.close();
  await database.close();
  await rm(dir, { recursive: true, force: true });
}
process.stdout.write('\nStopped the server and removed the temporary database.\n');
