import { Migration } from '@mikro-orm/migrations';

/**
 * What the services' role may not do to the append-only and hub-maintained tables, taken back again. Until the start
 * granted the tables only when it made the database (scripts/lib/databases.ts), every start granted the services
 * select, insert, update and delete on every table, undoing the revokes of the migrations that made these tables
 * (audit log, timelines, ends, change feed, a resident's history, roll-ups, statistics versions, lookup quotas): a
 * database started more than once holds those grants until this runs.
 */
export const SERVICE_REVOKES = `do $$ begin if exists (select 1 from pg_roles where rolname = 'hub_app') then
  revoke update, delete, truncate on audit_log, dispute_step, hazard_step, registry_ended from hub_app;
  revoke insert, update, delete, truncate on change_log, change_tx, county_rollup, person_history, stats_version from hub_app;
  revoke all on lookup_quota from hub_app;
  revoke all on sequence stats_version_seq from hub_app;
end if; end $$`;

export class Migration20261207000083ServiceGrants extends Migration {
  override async up(): Promise<void> {
    this.addSql(SERVICE_REVOKES);
  }
}
