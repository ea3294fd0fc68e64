import type { EntityManager } from '@mikro-orm/postgresql';
import { pageOf, parsePage, type PageArgs } from './pagination.ts';
import { query, queryOne } from './sql.ts';

/**
 * A level's case inbox (township or county cases), newest first, with its
 * total; `where`/`params` select the level's cases and the caller's filters.
 */
export async function inboxPage<T extends { receivedAt: Date }>(em: EntityManager, table: string, where: string[], params: unknown[], args: PageArgs) {
  const page = parsePage(args);
  const total = await queryOne<{ n: string }>(em, `select count(*) as n from ${table} where ${where.join(' and ')}`, params);
  const after = page.after ? [' and received_at < ?', new Date(Number(page.after))] as const : ['', undefined] as const;
  const rows = await query<T>(em, `select * from ${table} where ${where.join(' and ')}${after[0]} order by received_at desc limit ?`, [
    ...params,
    ...(after[1] ? [after[1]] : []),
    page.limit + 1,
  ]);
  return pageOf(rows, page.limit, Number(total?.n ?? 0));
}
