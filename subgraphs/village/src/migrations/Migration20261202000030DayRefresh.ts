import { Migration } from '@mikro-orm/migrations';

/**
 * The refresh of a county's day rows after a write (refresh_day_pairs_unlocked,
 * …08DayPairs) sums its villages' rows of each day it touched. It found them
 * through `village_day_rollup_day` (day, village_code), which …29DayIndexes
 * dropped because the statistics' generic plans preferred it to the indexes
 * they should use. Under the services' generic plans the refresh then read
 * the whole day roll-up for every write.
 *
 * The refresh now matches a county by `left(village_code, 6)`, with an index
 * on exactly that and the day. The statistics never state that expression of
 * the table's column, so their plans cannot take this index.
 */
const BEFORE = `join village_day_rollup r on r.village_code >= x.c and r.village_code < x.c || ':' and r.day = x.d`;
const AFTER = `join village_day_rollup r on left(r.village_code, 6) = x.c and r.day = x.d`;

export class Migration20261202000030DayRefresh extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index village_day_rollup_county_day on village_day_rollup (left(village_code, 6), day)`);
    this.addSql(`do $$
      declare
        def text := pg_get_functiondef('refresh_day_pairs_unlocked(text[], date[])'::regprocedure);
        fixed text := replace(def, '${BEFORE.replaceAll("'", "''")}', '${AFTER.replaceAll("'", "''")}');
      begin
        if fixed = def then
          raise exception 'refresh_day_pairs_unlocked does not join the day roll-up as expected';
        end if;
        execute fixed;
      end $$`);
  }
}
