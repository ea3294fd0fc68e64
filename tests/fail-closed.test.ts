/**
 * Row-level security fails closed (platform/rls.ts): a connection of the
 * service role that set no jurisdiction, or an empty one, sees no row of any
 * table that has row-level security, in every subgraph's database, including
 * a pooled connection that has already run a transaction with a jurisdiction.
 */
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import type { SubgraphName } from '../platform/settings.ts';

const SUBGRAPHS: SubgraphName[] = ['county', 'township', 'village'];

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** The tables with row-level security, and how many rows each holds (read as the owner, whom policies do not bind). */
async function securedTables(name: SubgraphName): Promise<Map<string, number>> {
  return withClient(inject('dbs')[name].migrationUrl, async (c) => {
    const tables = (
      await c.query<{ t: string }>(
        `select c.relname as t from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = 'public' and c.relkind in ('r', 'p') and c.relrowsecurity order by 1`,
      )
    ).rows.map((r) => r.t);
    const counts = new Map<string, number>();
    for (const t of tables) counts.set(t, Number((await c.query<{ n: string }>(`select count(*) as n from ${t}`)).rows[0]!.n));
    return counts;
  });
}

async function countsAsApp(name: SubgraphName, tables: readonly string[], before: (c: pg.Client) => Promise<void>): Promise<Record<string, number>> {
  return withClient(inject('dbs')[name].url, async (c) => {
    await before(c);
    const out: Record<string, number> = {};
    for (const t of tables) out[t] = Number((await c.query<{ n: string }>(`select count(*) as n from ${t}`)).rows[0]!.n);
    return out;
  });
}

const zeros = (tables: readonly string[]) => Object.fromEntries(tables.map((t) => [t, 0]));

describe('row-level security fails closed', () => {
  for (const name of SUBGRAPHS) {
    it(`${name}: no setting, an empty setting, or a finished transaction's setting: zero rows in every secured table`, async () => {
      const counts = await securedTables(name);
      const tables = [...counts.keys()];
      expect(tables.length).toBeGreaterThan(0);
      // The test means something only if the tables hold rows the owner sees.
      expect([...counts.values()].some((n) => n > 0)).toBe(true);

      expect(await countsAsApp(name, tables, async () => {})).toEqual(zeros(tables));
      expect(await countsAsApp(name, tables, async (c) => void (await c.query(`select set_config('hub.jurisdiction', '', false)`)))).toEqual(zeros(tables));
      // A pooled connection after a request's transaction: the transaction-local setting is gone and reads ''.
      expect(
        await countsAsApp(name, tables, async (c) => {
          await c.query('begin');
          await c.query(`select set_config('hub.jurisdiction', '62', true)`);
          await c.query('commit');
          expect((await c.query<{ s: string }>(`select current_setting('hub.jurisdiction', true) as s`)).rows[0]!.s).toBe('');
        }),
      ).toEqual(zeros(tables));

      // The whole country is an explicit value, and then the rows are there.
      const national = await countsAsApp(name, tables, async (c) => void (await c.query(`select set_config('hub.jurisdiction', '*', false)`)));
      expect(national).toEqual(Object.fromEntries(counts));
    });
  }
});
