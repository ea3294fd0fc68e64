/// <reference lib="dom" />
/**
 * A list shown a page at a time: its total as the API counts it, the rows in the API's order, and 加载更多 that
 * fetches the next page by cursor and appends it, so the order holds across pages (nothing is sorted on the client).
 */
import { num } from './format.ts';
import { isCurrent } from './page.ts';
import { messageOf } from './refusals.ts';

/**
 * How many rows a list shows at a time and adds at each 加载更多: `fallback`, or the address's `?pageSize=` (1 to
 * 100, so a page stays quick to show), for a reader who wants longer pages or a check of paging on a short list.
 */
export function pageSize(fallback: number): number {
  const asked = Number(new URLSearchParams(location.search).get('pageSize'));
  return Number.isInteger(asked) && asked >= 1 && asked <= 100 ? asked : fallback;
}

/** One page of a connection, as the API answers it. */
export interface Paged<T> {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor?: string | null };
  nodes: readonly T[];
}

/** The 加载更多 control and what it has shown so far; `pagedList` wires it. */
export const MORE_HTML = '<p class="more" hidden><button type="button" class="small">加载更多</button> <span class="note" role="status"></span></p>';

export interface PagedList<T> {
  /** The element holding MORE_HTML's paragraph. */
  within: HTMLElement;
  /** The page already fetched. */
  first: Paged<T>;
  /** The next page after the cursor; null when the hub no longer has the list. */
  next: (after: string | null) => Promise<Paged<T> | null>;
  /** Appends a page's rows. */
  append: (nodes: readonly T[]) => void;
  /** The view this list belongs to (page.ts's `navigate`): a page arriving after the reader left is dropped. */
  mine: number;
  /** The counting word, 条 or 件. */
  unit: string;
}

export function pagedList<T>({ within, first, next, append, mine, unit }: PagedList<T>): void {
  const more = within.querySelector<HTMLElement>('p.more')!;
  const button = more.querySelector('button')!;
  const said = more.querySelector<HTMLElement>('.note')!;
  const total = first.totalCount;
  let shown = 0;
  let cursor: string | null = null;
  const add = (page: Paged<T>) => {
    append(page.nodes);
    shown += page.nodes.length;
    cursor = page.pageInfo.endCursor ?? null;
    more.hidden = !page.pageInfo.hasNextPage;
    said.textContent = `已显示 ${num(shown)} ${unit}，共 ${num(total)} ${unit}`;
  };
  add(first);
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      const page = await next(cursor);
      if (!isCurrent(mine)) return;
      if (page) add(page);
    } catch (e) {
      if (isCurrent(mine)) said.textContent = `载入失败：${messageOf(e)}`;
    } finally {
      button.disabled = false;
    }
  });
}
