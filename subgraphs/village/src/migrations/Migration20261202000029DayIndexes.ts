import { Migration } from '@mikro-orm/migrations';

/**
 * Indexes for the statistics of a new period as the services plan them: one
 * generic plan per prepared statement (store/stats.ts), which cannot see the
 * period or the codes asked for.
 *
 * - `village_day_rollup_day` (day, village_code) goes. With 甘肃 loaded at
 *   province scale (611,014 day rows), the generic plans of the dispute and
 *   patrol sums chose it over the covering partial index and the primary
 *   key: a year of 临潭县's 16 townships read 3,133 table pages for 816 rows.
 *   Dispute sums of a new period took 6.9 ms instead of 1.3, patrol sums 5.2
 *   instead of 2.4, and the county drill-down of a new period spent 14.1 ms of
 *   PostgreSQL's CPU per request. Nothing else needs it: the refresh of a
 *   county's day row finds its villages' rows through the primary key (0.3 ms
 *   for two days against 0.07), one write at a time.
 * - `dispute_open` also keys on reported_at, so the open cases of a period are
 *   an index range, not all of a county's open cases filtered (1.3 → 1.0 ms).
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
