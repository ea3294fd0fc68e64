import { Migration } from '@mikro-orm/migrations';

/**
 * Indexes for the statistics of a new period as the services plan them: one
 * generic plan per prepared statement (store/stats.ts), which cannot see the
 * period or the codes asked for.
 *
 * - `village_day_rollup_day` (day, village_code) goes. With a province
 *   loaded, the generic plans of the dispute and patrol sums chose it over
 *   the covering partial index and the primary key, and read thousands of
 *   table pages for a few hundred rows. The refresh after a write also used
 *   it; …30DayRefresh gives that refresh an index of its own.
 * - `dispute_open` also keys on reported_at, so the open cases of a period are
 *   an index range, not all of a county's open cases filtered.
 */
export class Migration20261202000029DayIndexes extends Migration {
  override async up(): Promise<void> {
    this.addSql(`drop index village_day_rollup_day`);
    this.addSql(`drop index dispute_open`);
    this.addSql(
      `create index dispute_open on dispute (village_code, reported_at) where status in ('REPORTED', 'ACCEPTED', 'ASSIGNED', 'MEDIATING', 'ESCALATED', 'RESOLVED')`,
    );
  }
}
