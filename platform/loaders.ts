import DataLoader from 'dataloader';

/**
 * Per-request DataLoader plumbing. Every list and every `__resolveReference`
 * goes through one of these, so a request costs one set-based statement per
 * kind of thing it asks for, not one per item.
 */

/** One row per key (or null): `fetch` returns the rows found for all keys at once. */
export function byKey<K extends string, V>(fetch: (keys: readonly K[]) => Promise<V[]>, keyOf: (v: V) => K): DataLoader<K, V | null> {
  return new DataLoader<K, V | null>(async (keys) => {
    const rows = await fetch(keys);
    const map = new Map<K, V>();
    for (const row of rows) map.set(keyOf(row), row);
    return keys.map((k) => map.get(k) ?? null);
  });
}

/** Many rows per key: `fetch` returns the rows of all keys at once, `groupOf` says whose each is. */
export function groupedBy<K extends string, V>(fetch: (keys: readonly K[]) => Promise<V[]>, groupOf: (v: V) => K): DataLoader<K, V[]> {
  return new DataLoader<K, V[]>(async (keys) => {
    const rows = await fetch(keys);
    const map = new Map<K, V[]>();
    for (const row of rows) {
      const k = groupOf(row);
      let list = map.get(k);
      if (!list) map.set(k, (list = []));
      list.push(row);
    }
    return keys.map((k) => map.get(k) ?? []);
  });
}
