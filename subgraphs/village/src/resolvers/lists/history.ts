import type { Connection, PageArgs } from '../../../../../platform/pagination.ts';
import type { VillageContext } from '../../context.ts';
import { PersonHistoryPages, type PersonHistoryRow } from '../../store/person-history.ts';

/** Each request's history pages (one per request context): every person of a request from one statement per page asked. */
const histories = new WeakMap<VillageContext, PersonHistoryPages>();

/** `Person.history(first, after)`: the person is already visible to the caller; row-level security picks the entries. */
export function historyOf(person: { id: number }, args: PageArgs, ctx: VillageContext): Promise<Connection<PersonHistoryRow>> {
  let pages = histories.get(ctx);
  if (!pages) histories.set(ctx, (pages = new PersonHistoryPages(ctx.em)));
  return pages.connection(person.id, args);
}
