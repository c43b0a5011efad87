import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { buildApp } from '../src/app.js';
import { createAuditLog } from '../src/audit.js';
import { APP_ROOT } from '../src/config.js';
import type { Database } from '../src/db/client.js';
import { Repository } from '../src/db/repo.js';
import { MESSAGES } from '../src/routes/public.js';
import { ADMIN, addAdmin } from './helpers.js';

/** Debian's Chromium; `.ci/run` installs it with apt-get. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The visible text of the first match, whitespace collapsed. */
async function text(locator: Locator): Promise<string> {
  return ((await locator.first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

/** Screenshots of one run go to `test-output/<name>/` (gitignored). */
export function screenshotDir(name: string): string {
  const dir = path.join(APP_ROOT, 'test-output', name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * The browser flow both databases must pass: log in to the admin, create a riddle with three options
 * (after one failed validation), answer it wrong then right on the public page, log out. Saves a
 * screenshot of each page in `shots`. The database must be migrated and empty.
 */
export async function runBrowserFlow(database: Database, shots: string): Promise<string[]> {
  const repo = new Repository(database.db);
  await addAdmin(repo);
  const audit = createAuditLog();
  const app = await buildApp({ database, audit, secret: 'browser-test-secret-browser-test-secret' });
  const profile = mkdtempSync(path.join(tmpdir(), 'riddles-chromium-'));
  let context: BrowserContext | undefined;
  const saved: string[] = [];
  try {
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      headless: true,
      viewport: { width: 1000, height: 760 },
      timeout: 60_000,
    });
    const page: Page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(20_000);
    // Clicks a submit button and waits for the page the form leads to.
    const submit = async (selector: string) => {
      await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(selector)]);
    };
    let step = 0;
    const shot = async (name: string) => {
      step++;
      const file = path.join(shots, `${String(step).padStart(2, '0')}-${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      saved.push(file);
    };

    // The admin sends us to its login page first.
    await page.goto(`${base}/admin/`);
    expect(new URL(page.url()).pathname).toBe('/admin/login/');
    await shot('admin-login');
    await page.fill('#id_username', ADMIN.username);
    await page.fill('#id_password', ADMIN.password);
    await submit('button:has-text("Log in")');
    expect(new URL(page.url()).pathname).toBe('/admin/');
    expect(await text(page.locator('.who'))).toContain(`Logged in as ${ADMIN.username}`);
    await shot('admin-dashboard-empty');

    // Create a riddle with three options; the first attempt forgets the text.
    await Promise.all([page.waitForNavigation(), page.click('text=Add riddle')]);
    await page.fill('#id_options-0-text', 'A piano');
    await page.check('#id_options-0-correct');
    await page.fill('#id_options-1-text', 'A locksmith');
    await page.fill('#id_options-2-text', 'A map');
    await submit('button:has-text("Save")');
    expect(await text(page.locator('#error_riddle_text'))).toBe('This field is required.');
    expect(await page.inputValue('#id_options-1-text')).toBe('A locksmith');
    await shot('admin-validation-error');
    await page.fill('#id_riddle_text', 'What has keys but can’t open locks?');
    await submit('button:has-text("Save")');
    expect(new URL(page.url()).pathname).toBe('/admin/');
    expect(await text(page.locator('.messages'))).toContain('was added successfully');
    expect(await text(page.locator('table.results'))).toContain('What has keys but can’t open locks?');
    await shot('admin-riddle-created');

    // The public side: list, detail, a wrong answer, then the right one.
    await page.goto(`${base}/riddles/`);
    // main.css is served and allowed by the CSP: the chapter's green links.
    expect(
      await page
        .locator('.riddle-list a')
        .first()
        .evaluate(
          (a) =>
            (globalThis as unknown as { getComputedStyle(e: unknown): { color: string } }).getComputedStyle(a)
              .color,
        ),
    ).toBe('rgb(0, 128, 0)');
    await shot('riddles-list');
    await Promise.all([page.waitForNavigation(), page.click('text=What has keys but can’t open locks?')]);
    expect(await text(page.locator('h1'))).toBe('What has keys but can’t open locks?');
    expect(await page.locator('input[type=radio]').count()).toBe(3);
    await shot('riddle-detail');
    await page.check('label:has-text("A locksmith") input');
    await submit('button:has-text("Answer")');
    expect(await text(page.locator('.notice.error'))).toBe(MESSAGES.wrong);
    await shot('answer-wrong');
    await page.check('label:has-text("A piano") input');
    await submit('button:has-text("Answer")');
    expect(await text(page.locator('.notice.success'))).toBe(MESSAGES.correct);
    await shot('answer-right');

    // Log out: the admin is closed again.
    await page.goto(`${base}/admin/`);
    await submit('button:has-text("Log out")');
    expect(await text(page.locator('h1'))).toBe('Logged out');
    await shot('admin-logged-out');
    await page.goto(`${base}/admin/`);
    expect(new URL(page.url()).pathname).toBe('/admin/login/');

    expect(audit.recent(20).map((e) => e.action)).toEqual(['logout', 'riddle_created', 'login']);
    return saved;
  } finally {
    await context?.close();
    await app.close();
    await audit.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
