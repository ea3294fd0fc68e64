import DataLoader from 'dataloader';
import { z } from 'zod';
import { afterKey, ID_KEY, parsePage, toConnection, type Connection, type PageArgs } from '../../../../platform/pagination.ts';
import { col, rows, sql, type Db, type SqlParam } from '../../../../platform/sql.ts';
import { Person, residentFilter, type PersonRow, type ResidentConditions } from './person.ts';

/**
 * Residents under a township or county (`Township.residents`,
 * `County.residents`): the search lists above a village. Each parent's page
 * picks the ids of the matching residents under its code (the first `first`
 * after the cursor, by id) and then reads only their rows; every parent of a
 * request comes from one statement (and every total from one more).
 *
 * The division is stated as `county_code = left(code, 6) and grid_code ^@ code`,
 * so the search indexes lead with the county and answer the township from the
 * grid code they include, without reading the table (docs/ARCHITECTURE.md,
 * "Finding people").
 */
const Found = Person.extend({ within: col.text, n__: col.num.nullable() });
const Count = z.object({ k: col.text, n: col.num });

const WITHIN = 't.county_code = left(d.code, 6) and t.grid_code ^@ d.code';

function statements(where: string, paged: boolean) {
  const filter = where ? ` and (${where})` : '';
  return {
    // A first page also counts the matches in the same scan (n__, its total); a page after a cursor does not.
    page: sql(
      'person.within.page',
      Found,
      `select p.*, d.code as within, s.n__ from unnest(array[?]::text[]) d(code)
         cross join lateral (
           select t.id, ${paged ? 'null::bigint' : 'count(*) over ()'} as n__ from person t where ${WITHIN}${paged ? ' and t.id > ?' : ''}${filter} order by t.id limit ?
         ) s
         join person p on p.id = s.id
        order by d.code, p.id`,
    ),
    count: sql(
      'person.within.count',
      Count,
      `select d.code as k, c.n from unnest(array[?]::text[]) d(code)
         cross join lateral (select count(*) as n from person t where ${WITHIN}${filter}) c`,
    ),
  };
}

/** The per-request pages and totals of resident searches under townships and counties. */
export class ResidentSearch {
  private readonly db: Db;
  /** Each division's page, and its total when the page is a first one (counted in the same scan). */
  private readonly pages = new Map<string, DataLoader<string, { rows: PersonRow[]; total?: number }>>();
  private readonly counts = new Map<string, DataLoader<string, number>>();

  constructor(db: Db) {
    this.db = db;
  }

  /** A page of the residents under `code` (a township or county) matching `c`, with the lazy total. */
  async connection(code: string, c: ResidentConditions, args: PageArgs): Promise<Connection<PersonRow>> {
    const page = parsePage(args);
    // Ids are the order and the cursor, so `>` the cursor's id never skips a resident.
    const afterId = Number(afterKey(page, 'person', ID_KEY) ?? 0);
    const filter = residentFilter(c);
    const params: SqlParam[] = [...(filter.params ?? [])];
    const key = JSON.stringify([filter.where ?? '', params]);
    const pageKey = `${key}|${afterId}|${page.limit}`;
    let pages = this.pages.get(pageKey);
    if (!pages) {
      const { page: st } = statements(filter.where ?? '', afterId > 0);
      pages = new DataLoader(async (codes: readonly string[]) => {
        const found = await rows(this.db, st, [[...codes], ...(afterId ? [afterId] : []), ...params, page.limit + 1]);
        const by = new Map<string, { rows: PersonRow[]; total?: number }>();
        for (const { within, n__, ...p } of found) {
          let entry = by.get(within);
          if (!entry) by.set(within, (entry = { rows: [], total: n__ ?? undefined }));
          entry.rows.push(p);
        }
        // A division with no match on its first page has none at all.
        return codes.map((k) => by.get(k) ?? { rows: [], total: afterId ? undefined : 0 });
      });
      this.pages.set(pageKey, pages);
    }
    const { rows: found, total: known } = await pages.load(code);
    if (known !== undefined)
      return toConnection(
        found,
        page,
        'person',
        (p) => String(p.id),
        () => Promise.resolve(known),
      );
    let counts = this.counts.get(key);
    if (!counts) {
      const { count: st } = statements(filter.where ?? '', false);
      counts = new DataLoader<string, number>(async (codes) => {
        const found = await rows(this.db, st, [[...codes], ...params]);
        const by = new Map(found.map((r) => [r.k, r.n]));
        return codes.map((k) => by.get(k) ?? 0);
      });
      this.counts.set(key, counts);
    }
    const total = counts;
    return toConnection(
      found,
      page,
      'person',
      (p) => String(p.id),
      () => total.load(code),
    );
  }
}
