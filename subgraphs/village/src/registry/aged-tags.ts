import type { MikroORM } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { chinaDay } from '../../../../domain/china-day.ts';
import { TAG_AGES } from '../../../../domain/tags.ts';
import { NATIONAL, scopedEm } from '../../../../platform/jurisdiction.ts';
import { col, rows, sql } from '../../../../platform/sql.ts';
import { retryCollisions } from '../../../../platform/write-transaction.ts';

/**
 * Who removes them, as the change feed and the person's history name it: the hub itself (`via` SYSTEM, `by`
 * `system:upkeep` in both), not a caller.
 */
const actor = sql('person.upkeepActor', z.object({}), `select set_config('hub.actor', '系统（到龄移除标签）', true)`);

/** The tags with an upper age, and the years after a person's birth date at which each leaves (its last age + 1). */
const ENDS = Object.entries(TAG_AGES).flatMap(([tag, a]) => (a.max === undefined ? [] : [{ tag, years: a.max + 1 }]));

const BATCH = 5000;
/**
 * One batch of people holding a tag past its ages, each keeping the others. `make_interval` counts whole years as
 * `ageOn` does (domain/tags.ts): born on 29 February, a person reaches an age on 28 February of a common year. A
 * replica's upkeep that changed the row first leaves this one nothing to write (the row is read again after its lock).
 * The tags are given as a literal array beside the join (the ORM writes values into the text) so the tag index finds
 * the few people holding one; read from the rules' CTE, the planner scanned every person.
 */
const expire = sql(
  'person.expireAgedTags',
  z.object({ id: col.id }),
  `with rule as (select r.tag, ?::date - make_interval(years => r.years) as born_by from unnest(array[?]::text[], array[?]::int[]) as r(tag, years)),
        due as (
          select p.id, array(select t from unnest(p.tags) t where not exists (select 1 from rule where rule.tag = t and p.birth_date <= rule.born_by)) as kept
            from person p
           where p.tags && array[?]::text[] and exists (select 1 from rule where rule.tag = any(p.tags) and p.birth_date <= rule.born_by)
           order by p.id limit ${BATCH})
   update person p set tags = due.kept, version = p.version + 1 from due where p.id = due.id and p.tags is distinct from due.kept returning p.id`,
);

/**
 * 到龄移除 (docs/ARCHITECTURE.md, "Tags that end with an age"): a tag the law ties to ages below a limit (留守儿童 to
 * under 16, 重点青少年 to 6–25; TAG_AGES) leaves a person on the birthday past it. The registry refuses such a tag to
 * anyone outside its ages, but one given in time stayed after that birthday, so the figures, the tag filters and the
 * analysis room counted grown people as children. Removed as every write is, in batches, each a transaction of the hub's
 * own: the change feed, the person's history and the roll-ups follow. Returns how many people changed.
 */
export async function expireAgedTags(orm: MikroORM, today = chinaDay()): Promise<number> {
  const em = scopedEm(orm.em, NATIONAL, undefined, 'upkeep');
  let changed = 0;
  for (;;) {
    // A batch locks the people it changes one by one and then, through the roll-up triggers, their counties; a file
    // holding one of them while it waits for another the batch holds meets it in a cycle, and PostgreSQL aborts one of
    // the two (docs/ARCHITECTURE.md, "Lock order"). The batch reads whom it changes afresh, so it runs again.
    const done = await retryCollisions(() =>
      em.transactional(async (tx) => {
        await rows(tx, actor);
        const tags = ENDS.map((e) => e.tag);
        return rows(tx, expire, [today, tags, ENDS.map((e) => e.years), tags]);
      }),
    );
    changed += done.length;
    if (done.length < BATCH) return changed;
  }
}
