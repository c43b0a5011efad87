// The cookbook's dictionary and map chapters as a small product catalog.
// Every function returns new objects: the source data is never mutated.

export interface Product {
  readonly id: number;
  readonly name: string;
  readonly category: string;
  readonly stock: number;
  readonly sold: number;
  readonly tags: string[];
}

export interface PricePoint {
  /** ISO date (YYYY-MM-DD) the price took effect. */
  readonly since: string;
  readonly cents: number;
}

export interface User {
  readonly username: string;
  readonly email: string;
  readonly salt: string;
  readonly hashedPassword: string;
}

export type PublicUser = Omit<User, 'salt' | 'hashedPassword'>;

export type ProductWithPrice = Product & { readonly latestPriceCents: number | null };

/** The catalog's products, keyed by id (a dictionary, as in the chapter). */
export function sampleProducts(): Map<number, Product> {
  const products: Product[] = [
    { id: 3, name: 'Teapot', category: 'kitchen', stock: 40, sold: 12, tags: ['ceramic'] },
    { id: 1, name: 'Backpack', category: 'travel', stock: 15, sold: 30, tags: ['waterproof', 'large'] },
    { id: 4, name: 'Notebook', category: 'office', stock: 200, sold: 87, tags: ['paper'] },
    { id: 2, name: 'Desk lamp', category: 'office', stock: 8, sold: 5, tags: ['led'] },
  ];
  return new Map(products.map((p) => [p.id, p]));
}

/** Price history per product id, oldest first. */
export function samplePriceHistory(): Map<number, PricePoint[]> {
  return new Map([
    [
      1,
      [
        { since: '2024-01-01', cents: 4999 },
        { since: '2024-06-01', cents: 4499 },
      ],
    ],
    [2, [{ since: '2024-02-10', cents: 2599 }]],
    [
      3,
      [
        { since: '2023-11-20', cents: 1999 },
        { since: '2024-03-01', cents: 2199 },
        { since: '2024-09-15', cents: 2099 },
      ],
    ],
    // Product 4 has no price yet: it is listed with a null price, not dropped.
  ]);
}

export function sampleUsers(): User[] {
  return [
    { username: 'mia', email: 'mia@example.com', salt: 'x1f9', hashedPassword: '9b2e...c1' },
    { username: 'ana', email: 'ana@example.com', salt: '77ad', hashedPassword: '51f0...e4' },
  ];
}

/** The most recent price point by date, or null when the product has none. */
export function latestPrice(history: readonly PricePoint[] | undefined): PricePoint | null {
  if (!history || history.length === 0) return null;
  return history.reduce((latest, point) => (point.since > latest.since ? point : latest));
}

/** Every product with its latest price attached, sorted by name. New objects; the inputs are untouched. */
export function withLatestPrices(
  products: ReadonlyMap<number, Product>,
  history: ReadonlyMap<number, readonly PricePoint[]>,
): ProductWithPrice[] {
  return [...products.values()]
    .map((product) => ({ ...product, latestPriceCents: latestPrice(history.get(product.id))?.cents ?? null }))
    .sort((a, b) => a.name.localeCompare(b.name, 'en'));
}

/**
 * Looks products up by id lazily, like Python's `map(products.get, ids)`: nothing is fetched until the
 * iterator is consumed, and it can be consumed only once. Unknown ids yield `undefined`, as `dict.get` does.
 */
export function* productsByIds(
  products: ReadonlyMap<number, Product>,
  ids: Iterable<number>,
  onFetch?: (id: number) => void,
): Generator<Product | undefined, void, undefined> {
  for (const id of ids) {
    onFetch?.(id);
    yield products.get(id);
  }
}

/** Users without their secret fields (a new object per user). */
export function publicUsers(users: readonly User[]): PublicUser[] {
  return users
    .map(({ salt: _salt, hashedPassword: _hashed, ...rest }) => rest)
    .sort((a, b) => a.username.localeCompare(b.username, 'en'));
}

/** Sells `times` units one at a time: stock goes down and sold goes up, never below zero stock. */
export function sell(product: Product, times: number): Product {
  let { stock, sold } = product;
  for (let i = 0; i < times && stock > 0; i++) {
    stock -= 1;
    sold += 1;
  }
  return { ...product, stock, sold };
}

/** The shallow-copy pitfall: a spread copy shares nested objects; structuredClone does not. */
export function copyPitfall(product: Product): {
  shallowSharesTags: boolean;
  deepSharesTags: boolean;
  originalTagsAfterShallowEdit: string[];
  originalTagsAfterDeepEdit: string[];
} {
  const original: Product = { ...product, tags: [...product.tags] };
  const shallow = { ...original };
  shallow.tags.push('edited-through-shallow-copy');
  const afterShallow = [...original.tags];
  const untouched: Product = { ...product, tags: [...product.tags] };
  const deep = structuredClone(untouched);
  deep.tags.push('edited-through-deep-copy');
  return {
    shallowSharesTags: shallow.tags === original.tags,
    originalTagsAfterShallowEdit: afterShallow,
    originalTagsAfterDeepEdit: [...untouched.tags],
    deepSharesTags: deep.tags === untouched.tags,
  };
}

export function formatCents(cents: number | null): string {
  return cents === null ? 'no price yet' : `$${(cents / 100).toFixed(2)}`;
}
