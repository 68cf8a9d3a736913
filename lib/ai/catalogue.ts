/** The products `lookup_price` knows, with list prices. Names are matched case-insensitively. */
export interface CatalogueEntry {
  product: string;
  price: number;
  currency: 'USD' | 'EUR' | 'GBP';
}

const entries: readonly CatalogueEntry[] = [
  { product: 'Espresso machine', price: 249.0, currency: 'USD' },
  { product: 'Coffee grinder', price: 89.5, currency: 'USD' },
  { product: 'Mechanical keyboard', price: 129.99, currency: 'USD' },
  { product: 'Noise-cancelling headphones', price: 299.0, currency: 'USD' },
  { product: 'Standing desk', price: 549.0, currency: 'EUR' },
  { product: 'Ergonomic chair', price: 389.0, currency: 'EUR' },
  { product: 'USB-C hub', price: 39.99, currency: 'USD' },
  { product: 'Monitor arm', price: 74.0, currency: 'GBP' },
  { product: 'Desk lamp', price: 45.0, currency: 'GBP' },
  { product: 'Notebook', price: 9.99, currency: 'USD' },
];

const normalise = (name: string) => name.trim().toLowerCase().replace(/\s+/g, ' ');

const byName = new Map(entries.map((entry) => [normalise(entry.product), entry]));

export function findProduct(name: string): CatalogueEntry | undefined {
  const wanted = normalise(name);
  return byName.get(wanted) ?? byName.get(wanted.replace(/s$/, ''));
}

/** The catalogue product a piece of text mentions, if any (the longest name wins). */
export function productMentionedIn(text: string): CatalogueEntry | undefined {
  const haystack = normalise(text);
  return [...entries].sort((a, b) => b.product.length - a.product.length).find((entry) => haystack.includes(normalise(entry.product)));
}

export const catalogue: readonly CatalogueEntry[] = entries;
