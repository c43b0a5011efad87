import { mkdir, writeFile } from 'node:fs/promises';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { map, runTask } from '@cb/concurrency';
import { getLogger } from '@cb/log';
import { jitter } from './sleep.js';

const log = getLogger('tour.crawler');

/** The pages the local site serves. */
export const PAGES: Record<string, string> = {
  '/': '<h1>Home</h1><a href="/about">about</a> <a href="/blog">blog</a>',
  '/about': '<h1>About</h1><p>A small site served on loopback for the crawler.</p>',
  '/blog': `<h1>Blog</h1>${'<p>post</p>'.repeat(50)}`,
  '/contact': '<h1>Contact</h1><p>mail us</p>',
  '/faq': `<h1>FAQ</h1>${'<dl><dt>q</dt><dd>a</dd></dl>'.repeat(20)}`,
};

/** Starts the local site on 127.0.0.1 and an ephemeral port. */
export async function startSite(): Promise<{ server: Server; base: string }> {
  const server = createServer(async (req, res) => {
    await jitter(5, 30);
    const body = PAGES[req.url ?? ''];
    if (body === undefined) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, base: `http://127.0.0.1:${port}` };
}

/** Draws `[#####     ] 3/5` on stderr when it is a terminal; does nothing otherwise. */
function progressBar(total: number): { tick: () => void; done: () => void } {
  const tty = process.stderr.isTTY === true;
  let n = 0;
  const draw = () => {
    const width = 20;
    const filled = Math.round((n / total) * width);
    process.stderr.write(`\r[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${n}/${total}`);
  };
  if (tty) draw();
  return {
    tick: () => {
      n++;
      if (tty) draw();
    },
    done: () => {
      if (tty) process.stderr.write('\n');
    },
  };
}

/** What the crawler saved. */
export interface CrawlResult {
  url: string;
  status: number;
  file: string;
  bytes: number;
}

/**
 * The site crawler: serves a few pages locally, fetches them concurrently with `map()`, saves each
 * page to `outDir` and logs every step.
 */
export async function crawlSite(outDir: string, concurrency = 3): Promise<CrawlResult[]> {
  const { server, base } = await startSite();
  await mkdir(outDir, { recursive: true });
  const bar = progressBar(Object.keys(PAGES).length);
  try {
    return await map(
      Object.keys(PAGES),
      (path, i) =>
        runTask(`crawler-${i + 1}`, async () => {
          const url = `${base}${path}`;
          log.info(`executing get request... ${url}`);
          const response = await fetch(url);
          log.info(`got ${response.status} response http code`);
          const body = Buffer.from(await response.arrayBuffer());
          const file = join(outDir, `${path === '/' ? 'index' : path.slice(1)}.html`);
          log.info(`saving ${body.length} bytes to ${file}`);
          await writeFile(file, body);
          bar.tick();
          return { url, status: response.status, file, bytes: body.length };
        }),
      { concurrency },
    );
  } finally {
    bar.done();
    // fetch keeps idle connections open; close them so the server stops at once.
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }
}
