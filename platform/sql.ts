import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Raw, set-based SQL through the request's EntityManager (so it joins the
 * current transaction and its row-level-security session context). MikroORM
 * formats `?` placeholders; an array parameter expands to a list, so write
 * `in (?)` and never pass an empty array. Rows come back with camelCase keys.
 */
const camelNames = new Map<string, string>();
// Column names are few and repeat on every row (4–5% of the village subgraph's CPU in the drill-down when not remembered).
const camel = (s: string) => {
  let c = camelNames.get(s);
  if (c === undefined) {
    c = s.replace(/_([a-z])/g, (_, x: string) => x.toUpperCase());
    if (camelNames.size < 10_000) camelNames.set(s, c);
  }
  return c;
};

export async function query<T>(em: EntityManager, sql: string, params: unknown[] = []): Promise<T[]> {
  // MikroORM would format an undefined parameter as an identifier; SQL wants NULL.
  const rows = await em.execute<Record<string, unknown>[]>(sql, params.map((p) => (p === undefined ? null : p)) as any[]);
  return rows.map((row) => {
    const out: Record<string, unknown> = {};
    for (const k in row) out[camel(k)] = row[k];
    return out as T;
  });
}

export async function queryOne<T>(em: EntityManager, sql: string, params: unknown[] = []): Promise<T | null> {
  return (await query<T>(em, sql, params))[0] ?? null;
}

/** Escapes LIKE wildcards in user text. */
export function likeContains(text: string): string {
  return `%${text.replace(/[\\%_]/g, '\\$&')}%`;
}
