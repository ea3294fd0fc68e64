import { Migration } from '@mikro-orm/migrations';

/**
 * A department's inbox (its county's dispatches to it, newest first) and the
 * county sums of dispatches read the county as `left(township_code, 6)`.
 * Under row-level security that condition cannot use an index (`left()` is
 * not leakproof), so the inbox's index (…04CaseEngine) served only its first
 * column and every read sorted the department's dispatches of the whole
 * province. The county is now a stored column, compared as it is.
 */
export class Migration20261205000008DispatchCounty extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table dispatch add column county_code text generated always as (left(township_code, 6)) stored`);
    this.addSql(`drop index dispatch_department`);
    this.addSql(`create index dispatch_department on dispatch (department_kind, county_code, dispatched_at desc, id desc)`);
    this.addSql(`create index dispatch_county on dispatch (county_code, dispatched_at)`);
  }
}
