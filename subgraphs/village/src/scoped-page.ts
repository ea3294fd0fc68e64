import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput } from '../../../platform/errors.ts';
import { parsePage, toConnection, type Connection, type PageArgs } from '../../../platform/pagination.ts';
import { query } from '../../../platform/sql.ts';

/**
 * Batched Relay connections of rows under a parent division: every parent's
 * page comes from one windowed statement (and every total from one grouped
 * count), however many villages or grids a request lists. Rows are ordered by
 * their integer `id`, which is also the cursor.
 */
export interface ScopedListSpec {
  /** Table name (trusted, from code). */
  table: string;
  /** Column holding the parent's code. */
  scopeColumn: 'village_code' | 'grid_code' | 'county_code';
  /** Integer column giving the order and the cursor (default `id`), ascending unless `desc`. */
  order?: { column: string; desc?: boolean };
  /** Extra SQL condition on `t` with `?` parameters (trusted text, user values only in params). */
  where?: string;
  params?: unknown[];
}

export class ScopedPages {
  private readonly em: EntityManager;
  private readonly pages = new Map<string, DataLoader<string, any[]>>();
  private readonly counts = new Map<string, DataLoader<string, number>>();

  constructor(em: EntityManager) {
    this.em = em;
  }

  connection<T extends Record<string, any>>(spec: ScopedListSpec, scope: string, args: PageArgs): Promise<Connection<T>> | Connection<T> {
    const page = parsePage(args);
    const first = page.limit;
    const afterId = page.after === undefined ? 0 : Number(page.after);
    if (!Number.isSafeInteger(afterId) || afterId < 0) throw badInput(`after: "${args.after}" is not a cursor returned by this field.`, { argument: 'after' });
    const where = spec.where ? ` and (${spec.where})` : '';
    const params = spec.params ?? [];
    const key = JSON.stringify([spec.table, spec.scopeColumn, where, params, spec.order ?? null]);
    const col = spec.order?.column ?? 'id';
    const desc = spec.order?.desc ?? false;
    const camelCol = col.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    const pageKey = `${key}|${first}|${afterId}`;
    let pages = this.pages.get(pageKey);
    if (!pages) {
      pages = new DataLoader<string, any[]>(async (scopes) => {
        const rows = await query<any>(
          this.em,
          `select * from (
             select t.*, row_number() over (partition by t.${spec.scopeColumn} order by t.${col}${desc ? ' desc' : ''}) as rn__
               from ${spec.table} t where t.${spec.scopeColumn} in (?)${afterId ? ` and t.${col} ${desc ? '<' : '>'} ?` : ''}${where}
           ) x where rn__ <= ? order by ${col}${desc ? ' desc' : ''}`,
          [[...scopes], ...(afterId ? [afterId] : []), ...params, first + 1],
        );
        const by = new Map<string, any[]>();
        for (const r of rows) {
          const k = r[{ village_code: 'villageCode', grid_code: 'gridCode', county_code: 'countyCode' }[spec.scopeColumn]];
          delete r.rn__;
          let list = by.get(k);
          if (!list) by.set(k, (list = []));
          list.push(r);
        }
        return scopes.map((s) => by.get(s) ?? []);
      });
      this.pages.set(pageKey, pages);
    }
    let counts = this.counts.get(key);
    if (!counts) {
      counts = new DataLoader<string, number>(async (scopes) => {
        const rows = await query<{ k: string; n: string }>(
          this.em,
          `select t.${spec.scopeColumn} as k, count(*) as n from ${spec.table} t where t.${spec.scopeColumn} in (?)${where} group by 1`,
          [[...scopes], ...params],
        );
        const by = new Map(rows.map((r) => [r.k, Number(r.n)]));
        return scopes.map((s) => by.get(s) ?? 0);
      });
      this.counts.set(key, counts);
    }
    const countLoader = counts;
    return pages
      .load(scope)
      .then((rows: T[]) => toConnection(rows, { limit: first }, (r) => String(r[camelCol]), () => countLoader.load(scope)));
  }
}
