import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  copyPitfall,
  latestPrice,
  productsByIds,
  publicUsers,
  sampleProducts,
  samplePriceHistory,
  sampleUsers,
  sell,
  withLatestPrices,
} from '../src/catalog.js';

const appDir = join(dirname(fileURLToPath(import.meta.url)), '..');

describe('catalog', () => {
  it('attaches the latest price by date without mutating the source', () => {
    const products = sampleProducts();
    const history = samplePriceHistory();
    const snapshot = structuredClone([...products.values()]);
    const priced = withLatestPrices(products, history);
    expect(priced.map((p) => p.name)).toEqual(['Backpack', 'Desk lamp', 'Notebook', 'Teapot']);
    expect(priced.find((p) => p.id === 3)?.latestPriceCents).toBe(2099);
    expect(priced.find((p) => p.id === 4)?.latestPriceCents).toBeNull();
    expect([...products.values()]).toEqual(snapshot);
    expect(priced[0]).not.toBe(products.get(1));
  });

  it('picks the latest price point even when history is not sorted', () => {
    expect(
      latestPrice([
        { since: '2024-05-01', cents: 2 },
        { since: '2023-01-01', cents: 1 },
      ])?.cents,
    ).toBe(2);
    expect(latestPrice([])).toBeNull();
  });

  it('fetches products lazily and only once', () => {
    const seen: number[] = [];
    const it = productsByIds(sampleProducts(), [2, 9], (id) => seen.push(id));
    expect(seen).toEqual([]);
    expect([...it].map((p) => p?.name)).toEqual(['Desk lamp', undefined]);
    expect(seen).toEqual([2, 9]);
    expect([...it]).toEqual([]);
  });

  it('removes secret fields from users', () => {
    const users = publicUsers(sampleUsers());
    expect(users.map((u) => u.username)).toEqual(['ana', 'mia']);
    for (const u of users) {
      expect(u).not.toHaveProperty('salt');
      expect(u).not.toHaveProperty('hashedPassword');
    }
    expect(sampleUsers()[0]).toHaveProperty('salt');
  });

  it('updates stock and sold counters without going below zero', () => {
    const lamp = sampleProducts().get(2)!;
    const after = sell(lamp, 100);
    expect(after).toMatchObject({ stock: 0, sold: lamp.sold + lamp.stock });
    expect(sell(sampleProducts().get(4)!, 100)).toMatchObject({ stock: 100, sold: 187 });
    expect(lamp.stock).toBe(8);
  });

  it('shows that a shallow copy shares nested objects and structuredClone does not', () => {
    const result = copyPitfall(sampleProducts().get(1)!);
    expect(result.shallowSharesTags).toBe(true);
    expect(result.originalTagsAfterShallowEdit).toContain('edited-through-shallow-copy');
    expect(result.deepSharesTags).toBe(false);
    expect(result.originalTagsAfterDeepEdit).not.toContain('edited-through-deep-copy');
  });

  it('demo prints every section deterministically', () => {
    const run = () =>
      execFileSync(process.execPath, ['--import', 'tsx', 'src/demo.ts'], { cwd: appDir, encoding: 'utf8' });
    const out = run();
    expect(out).toContain('== Products with their latest price (sorted by name) ==');
    expect(out).toContain('source products unchanged: true');
    expect(out).toContain('fetched before iterating: []');
    expect(out).toContain('a second pass yields 0 products');
    expect(out).not.toContain('hashedPassword');
    expect(out).toContain('  3,Teapot,kitchen,20.99');
    expect(run()).toBe(out);
  });
});
