import { readFile, rm, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ANIMALS,
  PAGES,
  animalRace,
  crawlSite,
  lockingRepository,
  startAndJoin,
  taskLocalIds,
  twoTimers,
  watchDaemon,
} from '../src/programs/index.js';

describe('threading tour', () => {
  it('workers: all tasks start before any ends, and pool tasks run on named worker threads', async () => {
    const { tasks, threads } = await startAndJoin(3);
    expect(tasks.map((t) => t.name)).toEqual(['worker-1', 'worker-2', 'worker-3']);
    const lastStart = Math.max(...tasks.map((t) => t.startedAt));
    const firstEnd = Math.min(...tasks.map((t) => t.endedAt));
    expect(lastStart).toBeLessThan(firstEnd);
    expect(threads).toHaveLength(4);
    for (const line of threads) expect(line).toMatch(/ran on tour-\d+ /);
  });

  it('daemon: the program exits on its own although its daemon loop never ends', async () => {
    const { lines, code, exitedAlone } = await watchDaemon();
    expect(exitedAlone).toBe(true);
    expect(code).toBe(0);
    expect(lines.at(-1)).toBe('main: done, exiting without waiting for the daemon');
    expect(lines.filter((l) => l.startsWith('daemon: heartbeat')).length).toBeGreaterThanOrEqual(1);
  });

  it('timers: the cancelled timer never fires', async () => {
    const { ran, states } = await twoTimers();
    expect(ran).toEqual(['first']);
    expect(states).toEqual(['done', 'cancelled']);
  });

  it('race: every animal finishes once, and the winner changes across runs', async () => {
    const winners = new Set<string>();
    for (let run = 0; run < 12; run++) {
      const order = await animalRace(3);
      expect([...order].sort()).toEqual([...ANIMALS].sort());
      winners.add(order[0] as string);
    }
    expect(winners.size).toBeGreaterThan(1);
  });

  it('repository: the books always balance and at most 5 auditors work at once', async () => {
    const r = await lockingRepository(20, 12);
    expect(r.stock + r.sold).toBe(r.initial);
    expect(r.bought).toBe(r.sold);
    expect(r.auditFailures).toBe(0);
    expect(r.audits).toBe(12);
    expect(r.peakAuditors).toBeGreaterThanOrEqual(1);
    expect(r.peakAuditors).toBeLessThanOrEqual(5);
  });

  it('task-local: every task reads back its own id', async () => {
    const rows = await taskLocalIds(8);
    for (const row of rows) expect(row.readBack).toBe(row.assigned);
  });

  it('crawler: fetches every page from the local site and saves it byte for byte', async () => {
    const out = await mkdtemp(join(tmpdir(), 'tour-crawl-'));
    try {
      const results = await crawlSite(out, 2);
      expect(results.map((r) => new URL(r.url).pathname)).toEqual(Object.keys(PAGES));
      for (const r of results) {
        expect(r.status).toBe(200);
        const saved = await readFile(r.file, 'utf8');
        expect(saved).toBe(PAGES[new URL(r.url).pathname]);
        expect(r.bytes).toBe(Buffer.byteLength(saved));
      }
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
