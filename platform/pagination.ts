import { z } from 'zod';
import { badInput, quote } from '../domain/errors.ts';
import { col, row, rows, sql, type Db, type SqlParam } from './sql.ts';

/** Relay-style connections (docs/ARCHITECTURE.md): `first`/`after`, `totalCount`. */
export const DEFAULT_PAGE = 50;
export const MAX_PAGE = 500;

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export interface Page {
  limit: number;
  /** The cursor as the client sent it: only the list that wrote it reads it (`afterKey`, with the list's name). */
  cursor?: string;
}

/**
 * A cursor names the list that wrote it and holds the sort key of a page's
 * last row: base64url of `<list>:<key>`. A list reads only its own cursors,
 * so one list's cursor sent to another is refused even when the keys have
 * the same shape (two lists ordered by id).
 */
export function encodeCursor(list: string, key: string): string {
  return Buffer.from(`${list}:${key}`, 'utf8').toString('base64url');
}

/** The one refusal of a cursor that is not the list's own, quoting it as sent. */
const notOurs = (cursor: string) => {
  const shown = quote(cursor);
  return badInput({ zh: `after：“${shown}”不是本字段返回的游标。`, en: `after: "${shown}" is not a cursor returned by this field.` }, { argument: 'after' });
};

/**
 * The sort key a cursor of `list` holds. Only what encodeCursor wrote for that list passes, the key being text
 * without control characters (a NUL would reach PostgreSQL, which cannot take one) and, when the list says so, of
 * the shape its keys have; anything else is BAD_USER_INPUT.
 */
export function decodeCursor(cursor: string, list: string, key?: RegExp): string {
  if (!/^[\w-]{1,2000}$/.test(cursor)) throw notOurs(cursor);
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const k = text.slice(list.length + 1);
  if (!text.startsWith(`${list}:`) || /[\u0000-\u001f\ufffd]/.test(text) || (key && !key.test(k))) throw notOurs(cursor);
  return k;
}

/** A page size (`first`) checked against the list's largest page, said alike by every list. */
export function pageSize(first: number, max: number): number {
  if (!Number.isInteger(first) || first < 0 || first > max) {
    throw badInput(
      { zh: `first 须为 0 到 ${max} 之间的整数，收到 ${first}。`, en: `first must be an integer from 0 to ${max}; got ${first}.` },
      { argument: 'first' },
    );
  }
  return first;
}

/** `first` checked; the cursor is read by the list (`afterKey`). */
export function parsePage(args: PageArgs): Page {
  const first = pageSize(args.first ?? DEFAULT_PAGE, MAX_PAGE);
  return args.after ? { limit: first, cursor: args.after } : { limit: first };
}

/** The sort key a page starts after (none on a first page), from a cursor `list` wrote; `key` is the keys' shape. */
export function afterKey(page: Page, list: string, key?: RegExp): string | undefined {
  return page.cursor === undefined ? undefined : decodeCursor(page.cursor, list, key);
}

/** Row ids as list keys: a positive integer a JavaScript number holds exactly. */
export const ID_KEY = /^[1-9]\d{0,14}$/;

/** Relay's PageInfo. Lists page forward only (first/after). */
export interface PageInfo {
  hasNextPage: boolean;
  /** A page read after a cursor has the items up to that cursor before it. */
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

/** The PageInfo of a page of `edges`; its end is its last edge's cursor unless the list says otherwise (the change feed). */
export function pageInfoOf(
  edges: readonly { cursor: string }[],
  more: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor?: string | null },
): PageInfo {
  return {
    hasNextPage: more.hasNextPage,
    hasPreviousPage: more.hasPreviousPage,
    startCursor: edges[0]?.cursor ?? null,
    endCursor: more.endCursor !== undefined ? more.endCursor : (edges.at(-1)?.cursor ?? null),
  };
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: PageInfo;
  /** Lazy: a getter, counted only when a query selects `totalCount` (both executors read it as a property). */
  readonly totalCount: Promise<number>;
}

/** `rows` must be fetched with `limit + 1` so the extra row tells whether a next page exists; `list` names the cursors. */
export function toConnection<T>(rows: T[], page: Page, list: string, keyOf: (row: T) => string, count: () => Promise<number>): Connection<T> {
  const hasNextPage = rows.length > page.limit;
  const nodes = hasNextPage ? rows.slice(0, page.limit) : rows;
  const edges = nodes.map((node) => ({ cursor: encodeCursor(list, keyOf(node)), node }));
  return {
    edges,
    nodes,
    pageInfo: pageInfoOf(edges, { hasNextPage, hasPreviousPage: page.cursor !== undefined }),
    get totalCount() {
      return count();
    },
  };
}

/**
 * Newest-first lists of cases, dispatches and audit entries page on (time,
 * id) (docs/ARCHITECTURE.md, "Conventions"): the cursor holds
 * `<ISO time>|<id>` of the page's last row, with all the precision PostgreSQL
 * keeps (microseconds, as now() writes them), and the next page takes the
 * rows with `(time, id) < (?, ?)`, so rows sharing a time are never skipped.
 */
export function timeIdKey(at: Date | string, id: string | number): string {
  if (at instanceof Date) return `${at.toISOString()}|${id}`;
  // PostgreSQL's text form, `2026-11-12 12:12:12.123456+00`, made ISO 8601.
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?)(?:(Z)|([+-]\d{2}):?(\d{2})?)$/.exec(at);
  return `${m ? `${m[1]}T${m[2]}${m[3] ?? `${m[4]}:${m[5] ?? '00'}`}` : new Date(at).toISOString()}|${id}`;
}

const ISO = /^([1-9]\d{3})-(\d{2})-(\d{2})T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,6})?(Z|[+-](0\d|1[0-5]):[0-5]\d)$/;

/**
 * The (time, id) a page of `list` starts after, from its cursor (`afterKey`); BAD_USER_INPUT, said as every cursor not
 * of this list is (`notOurs`), when it is not one of ours (`id` checks the id part).
 */
export function afterTimeId(page: Page, list: string, id: RegExp): { at: string; id: string } | null {
  const after = afterKey(page, list);
  if (after === undefined) return null;
  const bar = after.lastIndexOf('|');
  const at = after.slice(0, Math.max(bar, 0));
  const key = after.slice(bar + 1);
  const m = ISO.exec(at);
  const [month, day] = [Number(m?.[2]), Number(m?.[3])];
  const date = new Date(Date.UTC(Number(m?.[1]), month - 1, day));
  if (bar < 0 || !m || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day || !id.test(key)) throw notOurs(page.cursor!);
  return { at, id: key };
}

/** Id shapes a (time, id) cursor may carry. */
export const CURSOR_IDS = { uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, integer: /^\d{1,15}$/ } as const;

/** A table listed newest first on (time, id), as the case inboxes and dispatch lists are. */
export interface NewestFirstList<R> {
  /** The statements' name (`township_case.inbox`); the count is `<name>Count`. */
  name: string;
  table: string;
  shape: z.ZodType<R>;
  timeColumn: string;
  idColumn: string;
  idKind: keyof typeof CURSOR_IDS;
  /** What a row reads (`*` unless given): the table's columns, with what the rows carry computed beside them. */
  columns?: string;
  keyOf: (r: R) => { at: Date | string; id: string | number };
  /**
   * Earliest first instead (a desk's cases by deadline). Its cursors are named `cursorName`, so that a cursor of one
   * order is refused by the other rather than read as a place in it.
   */
  ascending?: boolean;
  /** The list name its cursors carry (the table's by default). */
  cursorName?: string;
}

/** The same list earliest first on another time column (a desk's cases by deadline), its cursors named `<table>:<suffix>`. */
export function earliestFirst<R>(list: NewestFirstList<R>, timeColumn: string, keyOf: NewestFirstList<R>['keyOf'], suffix: string): NewestFirstList<R> {
  return { ...list, name: `${list.name}.${suffix}`, timeColumn, keyOf, ascending: true, cursorName: `${list.table}:${suffix}` };
}

const Count = z.object({ n: col.num });

/** One page of `list` under `where` (with its `params`), after the page's (time, id) cursor, with the total counted when asked. */
export async function newestFirstPage<R>(
  db: Db,
  list: NewestFirstList<R>,
  where: readonly string[],
  params: readonly SqlParam[],
  page: Page,
): Promise<Connection<R>> {
  const cursorName = list.cursorName ?? list.table;
  const after = afterTimeId(page, cursorName, CURSOR_IDS[list.idKind]);
  const cond = where.join(' and ');
  const idParam = list.idKind === 'uuid' ? '?::uuid' : '?';
  const [past, dir] = list.ascending ? ['>', 'asc'] : ['<', 'desc'];
  const nodes = await rows(
    db,
    sql(
      list.name,
      list.shape,
      `select ${list.columns ?? '*'} from ${list.table} where ${cond}${after ? ` and (${list.timeColumn}, ${list.idColumn}) ${past} (?::timestamptz, ${idParam})` : ''}
        order by ${list.timeColumn} ${dir}, ${list.idColumn} ${dir} limit ?`,
    ),
    [...params, ...(after ? [after.at, list.idKind === 'uuid' ? after.id : Number(after.id)] : []), page.limit + 1],
  );
  const count = sql(`${list.name}Count`, Count, `select count(*) as n from ${list.table} where ${cond}`);
  return toConnection(
    nodes,
    page,
    cursorName,
    (r) => {
      const k = list.keyOf(r);
      return timeIdKey(k.at, k.id);
    },
    async () => (await row(db, count, params))?.n ?? 0,
  );
}
