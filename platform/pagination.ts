import { badInput } from './errors.ts';

/** Relay-style connections (docs/ARCHITECTURE.md): `first`/`after`, `totalCount`. */
export const DEFAULT_PAGE = 50;
export const MAX_PAGE = 500;

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export interface Page {
  limit: number;
  /** The sort key after which the page starts (decoded cursor), if any. */
  after?: string;
}

export function encodeCursor(key: string): string {
  return Buffer.from(`k:${key}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith('k:')) throw badInput(`after: "${cursor}" is not a cursor returned by this field.`, { argument: 'after' });
  return text.slice(2);
}

export function parsePage(args: PageArgs): Page {
  const first = args.first ?? DEFAULT_PAGE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE) {
    throw badInput(`first must be an integer from 0 to ${MAX_PAGE}; got ${first}.`, { argument: 'first' });
  }
  return { limit: first, after: args.after ? decodeCursor(args.after) : undefined };
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  /** Lazy: graphql-js calls it only when the client selects `totalCount`. */
  totalCount: () => Promise<number>;
}

/** `rows` must be fetched with `limit + 1` so the extra row tells whether a next page exists. */
export function toConnection<T>(rows: T[], page: Page, keyOf: (row: T) => string, count: () => Promise<number>): Connection<T> {
  const hasNextPage = rows.length > page.limit;
  const nodes = hasNextPage ? rows.slice(0, page.limit) : rows;
  const edges = nodes.map((node) => ({ cursor: encodeCursor(keyOf(node)), node }));
  return {
    edges,
    nodes,
    pageInfo: { hasNextPage, endCursor: edges.length ? edges[edges.length - 1]!.cursor : null },
    totalCount: count,
  };
}

/** A page of a case inbox (township or county cases), newest first. */
export interface CasePage<T> {
  nodes: T[];
  totalCount: number;
  hasNextPage: boolean;
  endCursor: string | null;
}

/** A newest-first page of case rows (cursor: the received time in ms). */
export function pageOf<T extends { receivedAt: Date | string }>(rows: T[], limit: number, totalCount: number): CasePage<T> {
  const nodes = rows.slice(0, limit);
  const last = nodes[nodes.length - 1];
  return { nodes, totalCount, hasNextPage: rows.length > limit, endCursor: last ? encodeCursor(String(new Date(last.receivedAt).getTime())) : null };
}
