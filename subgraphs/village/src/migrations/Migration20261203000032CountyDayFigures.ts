import { Migration } from '@mikro-orm/migrations';
import { FIGURES } from './Migration20261121000007CountyDays.ts';

/**
 * Every figure of the per-county day roll-up rides in one index on (county,
 * day), so the sums of counties and above (store/stats.ts, `daySums`) read
 * no table page. The services prepare those sums, and their generic plans
 * cannot see the codes or the period: they estimated one row either way and
 * took the primary key, then fetched every day row from the table (a year of
 * 甘肃's 88 counties: 31,931 rows). With the figures in a covering index they
 * scan the index alone.
 *
 * It replaces …27DisputeDays' partial index of the county roll-up: at county
 * level nearly every day counts a dispute (86% of 甘肃's county days), so
 * reading only those days saved little, and the generic plans did not take it.
 */
export class Migration20261203000032CountyDayFigures extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index county_day_rollup_figures on county_day_rollup (county_code, day) include (${FIGURES.join(', ')})`);
    this.addSql(`drop index county_day_rollup_disputes`);
  }
}
