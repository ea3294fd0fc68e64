import DataLoader from 'dataloader';

/**
 * Per-request DataLoader plumbing. Every list and every `__resolveReference`
 * goes through one of these, so a request costs one set-based statement per
 * kind of thing it asks for, not one per item.
 */

/**
 * A request's loaders, each made the first time the request uses it: `make` holds one factory per loader, and
 * `env` is what they read with (the request's entity manager); `lazyLoaders<E>()(make)` fixes its type first.
 * A subgraph has dozens of loaders and a request uses a few. Made up front, all of them lived as long as the
 * request, so every young-generation collection that found it in flight moved them into the old generation, in a
 * pause that holds every request of the process (docs/ARCHITECTURE.md §9, "Memory per request").
 */
export function lazyLoaders<E>() {
  return <T extends object>(make: { readonly [K in keyof T]: (env: E) => T[K] }): ((env: E) => T) => madeWhenUsed(make);
}

function madeWhenUsed<E, T extends object>(make: { readonly [K in keyof T]: (env: E) => T[K] }): (env: E) => T {
  class Loaders {
    readonly made: unknown[] = [];
    readonly env: E;
    constructor(env: E) {
      this.env = env;
    }
  }
  (Object.keys(make) as (keyof T)[]).forEach((key, i) => {
    const factory = make[key];
    Object.defineProperty(Loaders.prototype, key, {
      enumerable: true,
      get(this: Loaders) {
        return (this.made[i] ??= factory(this.env));
      },
    });
  });
  return (env) => new Loaders(env) as unknown as T;
}

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

/**
 * A loader per argument (a period, a year), made when first asked for: divisions asked with the same argument share one
 * statement. `extra` (what the loader reads with besides, the same for the whole request) is passed when it is made.
 */
export function loaderPer<A, L, X extends unknown[] = []>(make: (arg: A, ...extra: X) => L): (arg: A, ...extra: X) => L {
  const loaders = new Map<A, L>();
  return (arg, ...extra) => {
    let loader = loaders.get(arg);
    if (!loader) loaders.set(arg, (loader = make(arg, ...extra)));
    return loader;
  };
}

/** A loader per period (`make` gets the period and its key, `from|to`): divisions asked for the same period share one statement. */
export function byPeriod<L, X extends unknown[] = []>(
  make: (from: string, to: string, key: string, ...extra: X) => L,
): (from: string, to: string, ...extra: X) => L {
  const per = loaderPer((key: string, ...extra: X) => {
    const [from = '', to = ''] = key.split('|');
    return make(from, to, key, ...extra);
  });
  return (from, to, ...extra) => per(`${from}|${to}`, ...extra);
}
