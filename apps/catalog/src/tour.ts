import { stringify } from '@cb/csv';
import {
  copyPitfall,
  formatCents,
  productsByIds,
  publicUsers,
  sampleProducts,
  samplePriceHistory,
  sampleUsers,
  sell,
  withLatestPrices,
} from './catalog.js';

/** Prints the catalog tour; every line is deterministic. */
export function runDemo(print: (line: string) => void = console.log): void {
  const products = sampleProducts();
  const history = samplePriceHistory();
  const before = JSON.stringify([...products.values()]);

  print('== Products with their latest price (sorted by name) ==');
  const priced = withLatestPrices(products, history);
  for (const p of priced)
    print(`${String(p.id).padStart(2)}  ${p.name.padEnd(10)} ${formatCents(p.latestPriceCents)}`);
  print(`source products unchanged: ${JSON.stringify([...products.values()]) === before}`);

  print('');
  print('== Fetching products 2, 4, 9 lazily ==');
  const fetched: number[] = [];
  const lazy = productsByIds(products, [2, 4, 9], (id) => fetched.push(id));
  print(`fetched before iterating: [${fetched.join(', ')}]`);
  for (const p of lazy) print(`  got ${p ? p.name : 'nothing (unknown id)'}`);
  print(`fetched after iterating: [${fetched.join(', ')}]`);
  print(`a second pass yields ${[...lazy].length} products (the iterator is consumed once)`);

  print('');
  print('== Users without secrets ==');
  for (const u of publicUsers(sampleUsers())) print(`  ${JSON.stringify(u)}`);

  print('');
  print('== Selling the Teapot 100 times, one unit at a time ==');
  const teapot = products.get(3)!;
  const after = sell(teapot, 100);
  print(`  before: stock ${teapot.stock}, sold ${teapot.sold}`);
  print(`  after:  stock ${after.stock}, sold ${after.sold} (stock never goes below zero)`);

  print('');
  print('== Shallow copy versus deep copy ==');
  const pitfall = copyPitfall(products.get(1)!);
  print(`  shallow copy shares the tags array: ${pitfall.shallowSharesTags}`);
  print(
    `  original tags after editing the shallow copy: [${pitfall.originalTagsAfterShallowEdit.join(', ')}]`,
  );
  print(`  structuredClone shares the tags array: ${pitfall.deepSharesTags}`);
  print(`  original tags after editing the deep copy: [${pitfall.originalTagsAfterDeepEdit.join(', ')}]`);

  print('');
  print('== The catalog as CSV (@cb/csv) ==');
  const rows = [
    ['id', 'name', 'category', 'latest_price'],
    ...priced.map((p) => [
      p.id,
      p.name,
      p.category,
      p.latestPriceCents === null ? '' : (p.latestPriceCents / 100).toFixed(2),
    ]),
  ];
  for (const line of stringify(rows).trimEnd().split('\r\n')) print(`  ${line}`);
}
