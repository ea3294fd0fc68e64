import DataLoader from 'dataloader';
import { z } from 'zod';
import { afterKey, afterTimeId, ID_KEY, parsePage, timeIdKey, toConnection, type Connection, type PageArgs } from '../../../../platform/pagination.ts';
import { col, PARSED_BY_CALLER, preparedRows, rows, sql, type Db, type SqlParam } from '../../../../platform/sql.ts';

/**
 * Batched Relay connections of rows under a parent division: every parent's
 * page comes from one windowed statement (and every total from one grouped
 * count), however many villages or grids a request lists. Rows are ordered by
 * a unique integer column (`id` unless said otherwise), which is also the cursor.
 * The statements are built here from a list's spec, which a store declares
 * (table, filter); resolvers only pick the list and the parent.
 */

/** The division a list hangs off: its rows carry that division's code, or (a township) begin with it. */
export type Scope = 'village' | 'grid' | 'county' | 'township';

/** The parent's code of a row `t`, as an SQL expression (trusted text). */
const SCOPE_KEY: Record<Scope, string> = {
  village: 't.village_code',
  grid: 't.grid_code',
  county: 't.county_code',
  township: 'left(t.village_code, 9)',
};

export interface ScopedListSpec {
  /** Table name (trusted, from code). */
  table: string;
  /** The parent's code of a row `t` (SCOPE_KEY). */
  scopeKey: string;
  /**
   * An indexed code column of `t` whose values start with the parent's code,
   * when `scopeKey` is an expression no index serves (a township's
   * `left(village_code, 9)`): the lists also ask for the range of that column
   * the parents span (codes are digits; ':' follows '9'), which says the same
   * of one parent and a little more of several, with leakproof operators.
   */
  scopeRange?: string;
  /**
   * Unique integer column giving the order and the cursor (default `id`), ascending unless `desc`; with `time`, a
   * timestamptz column ordered first, the unique column breaking ties (a case list by deadline; with `desc`, newest
   * first, both descending): the cursor then holds both, and a cursor of one order is refused by the other (a
   * newest-first list names its cursors with `cursor`). With `timeSql`, the time is that expression over `t` (never
   * null), read back under the name `time`.
   */
  order?: { column: string; desc?: boolean; time?: string; timeSql?: string };
  /**
   * The name a list's cursors carry, when one table is listed in two orders by the unique column alone (hazards
   * oldest and newest first): a cursor of one is then refused by the other, as with a time order.
   */
  cursor?: string;
  /** Extra SQL condition on `t` with `?` parameters (trusted text, user values only in params). */
  where?: string;
  params?: readonly unknown[];
  /** See `ListFilter`. */
  plannedWithValues?: boolean;
}

/** A list whose rows parse with `row`; `name` names its statements (`<name>.page`, `<name>.count`; default `scoped.<table>`). */
export interface ScopedList<R> extends ScopedListSpec {
  row: z.ZodType<R>;
  name?: string;
}

/** A filter of a list: an SQL condition on `t` and its parameters. */
export interface ListFilter {
  where?: string;
  params?: readonly SqlParam[];
  /**
   * A condition can use its index only when PostgreSQL plans it with the value
   * in hand (a name prefix, LIKE): the list's statements then carry their values
   * in their text and are planned on every run. Every other list runs as a
   * prepared statement on one generic plan (platform/sql.ts, `preparedRows`).
   */
  plannedWithValues?: boolean;
}

/** A list of `table` rows (ordered by id) under a village, grid or county, with an optional filter. */
export function scopedList<R>(name: string, table: string, row: z.ZodType<R>, scope: Scope, filter: ListFilter = {}): ScopedList<R> {
  return { name, table, row, scopeKey: SCOPE_KEY[scope], ...(scope === 'township' ? { scopeRange: 't.village_code' } : {}), ...filter };
}

/** The name a list's cursors carry: its table, and the time it orders by first, if any (`dispute:due_at`). */
const cursorList = (spec: ScopedListSpec): string => spec.cursor ?? (spec.order?.time ? `${spec.table}:${spec.order.time}` : spec.table);

/** A condition list joined with `and`, or no filter at all when empty. */
export function allOf(where: readonly string[], params: readonly SqlParam[]): ListFilter {
  return where.length ? { where: where.join(' and '), params } : {};
}

type RawRow = Record<string, unknown>;
// A parent's key as the lists are asked for it (text), whether its column is a code or an integer id (a mediator's).
const Count = z.object({ k: z.coerce.string(), n: col.num });

function isScalar(v: unknown): v is string | number | bigint | boolean | null {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean';
}

function sqlParam(v: unknown): SqlParam {
  if (v === undefined || isScalar(v) || v instanceof Date) return v;
  if (Array.isArray(v) && v.every(isScalar)) return v;
  throw new Error(`A list filter parameter must be a scalar, a Date or an array of scalars; got ${typeof v}.`);
}

export class ScopedPages {
  private readonly db: Db;
  /** Each parent's page, and its total when the page is a first one (counted in the same scan). */
  private readonly pages = new Map<string, DataLoader<string, { rows: RawRow[]; total?: number }>>();
  private readonly counts = new Map<string, DataLoader<string, number>>();

  constructor(db: Db) {
    this.db = db;
  }

  /** A page of the list under the division `scope` (a code), with its lazy total. */
  async connection<R>(list: ScopedList<R>, scope: string, args: PageArgs): Promise<Connection<R>> {
    const name = list.name ?? `scoped.${list.table}`;
    const field = (column: string) => column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    const orderField = field(list.order?.column ?? 'id');
    const timeField = list.order?.time && field(list.order.time);
    const { rows: raw, page, count } = await this.load(list, name, scope, args);
    const cursors = new Map<R, string>();
    const parsed = raw.map((r) => {
      const p = list.row.safeParse(r);
      if (!p.success) throw new Error(`SQL ${name}.page: a row does not match its declared shape: ${p.error.message}`);
      cursors.set(p.data, timeField ? timeIdKey(r[timeField] as string | Date, String(r[orderField])) : String(r[orderField]));
      return p.data;
    });
    return toConnection(parsed, page, cursorList(list), (r) => cursors.get(r)!, count);
  }

  private async load(spec: ScopedListSpec, name: string, scope: string, args: PageArgs) {
    const page = parsePage(args);
    const first = page.limit;
    // The order column is unique (an id or `no`), so `>`/`<` the cursor's key never skips a row; with a time before
    // it, the pair is compared, which is unique too.
    const time = spec.order?.time;
    const afterPair = time ? afterTimeId(page, cursorList(spec), ID_KEY) : null;
    const afterId = time ? Number(afterPair?.id ?? 0) : Number(afterKey(page, cursorList(spec), ID_KEY) ?? 0);
    const where = spec.where ? ` and (${spec.where})` : '';
    const params = (spec.params ?? []).map(sqlParam);
    const key = JSON.stringify([spec.table, spec.scopeKey, spec.scopeRange ?? null, where, params, spec.order ?? null]);
    const orderCol = spec.order?.column ?? 'id';
    const desc = spec.order?.desc ?? false;
    const dir = desc ? ' desc' : '';
    const orderBy = time ? `${time}${dir}, ${orderCol}${dir}` : `${orderCol}${dir}`;
    const timeSql = spec.order?.timeSql;
    const timeOf = timeSql ?? `t.${time}`;
    const past = time ? ` and (${timeOf}, t.${orderCol}) ${desc ? '<' : '>'} (?::timestamptz, ?)` : ` and t.${orderCol} ${desc ? '<' : '>'} ?`;
    const afterParams = afterPair ? [afterPair.at, afterId] : afterId ? [afterId] : [];
    const pageKey = `${key}|${first}|${afterPair?.at ?? ''}|${afterId}`;
    const range = spec.scopeRange ? ` and ${spec.scopeRange} >= ? and ${spec.scopeRange} < ?` : '';
    const rangeOf = (scopes: readonly string[]): string[] => {
      if (!spec.scopeRange) return [];
      const sorted = [...scopes].sort();
      return [sorted[0]!, `${sorted.at(-1)!}:`];
    };
    const run = spec.plannedWithValues ? rows : preparedRows;
    let pages = this.pages.get(pageKey);
    if (!pages) {
      // A first page also counts its parent's rows in the same scan (n__), which is its total; a page after a cursor does not.
      const window = `partition by ${spec.scopeKey} order by ${time ? `${timeOf}${dir}, t.${orderCol}${dir}` : `t.${orderBy}`}`;
      const st = sql(
        `${name}.page`,
        PARSED_BY_CALLER,
        `select * from (
           select t.*,${timeSql ? ` ${timeSql} as ${time},` : ''} ${spec.scopeKey} as scope__, row_number() over w as rn__${afterId ? '' : ', count(*) over (w rows between unbounded preceding and unbounded following) as n__'}
             from ${spec.table} t where ${spec.scopeKey} in (?)${range}${afterId ? past : ''}${where}
             window w as (${window})
         ) x where rn__ <= ? order by ${orderBy}`,
      );
      pages = new DataLoader(async (scopes: readonly string[]) => {
        const found = await run(this.db, st, [[...scopes], ...rangeOf(scopes), ...afterParams, ...params, first + 1]);
        const by = new Map<unknown, RawRow[]>();
        for (const r of found) {
          const k = String(r.scope__);
          let list = by.get(k);
          if (!list) by.set(k, (list = []));
          list.push(r);
        }
        return scopes.map((s) => {
          const list = by.get(s) ?? [];
          // Every row of a first page carries its parent's total; a parent with no row on it has none at all.
          // rn__ and n__ stay on the rows: parsing into the list's declared object type drops them (deleting a property
          // would turn each row into a slow dictionary-mode object before that parse reads every column).
          const total = afterId ? undefined : Number(list[0]?.n__ ?? 0);
          return { rows: list, total };
        });
      });
      this.pages.set(pageKey, pages);
    }
    const { rows: found, total } = await pages.load(scope);
    if (total !== undefined) return { rows: found, page, count: () => Promise.resolve(total) };
    let counts = this.counts.get(key);
    if (!counts) {
      const st = sql(
        `${name}.count`,
        Count,
        `select ${spec.scopeKey} as k, count(*) as n from ${spec.table} t where ${spec.scopeKey} in (?)${range}${where} group by 1`,
      );
      counts = new DataLoader<string, number>(async (scopes) => {
        const found = await run(this.db, st, [[...scopes], ...rangeOf(scopes), ...params]);
        const by = new Map(found.map((r) => [r.k, r.n]));
        return scopes.map((s) => by.get(s) ?? 0);
      });
      this.counts.set(key, counts);
    }
    const countLoader = counts;
    return { rows: found, page, count: () => countLoader.load(scope) };
  }
}
