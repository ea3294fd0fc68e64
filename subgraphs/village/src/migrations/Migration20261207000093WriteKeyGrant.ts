import { Migration } from '@mikro-orm/migrations';

/**
 * `hub_write_key_held` (…92WriteKeyCaller) reads and deletes past `write_key`'s row-level security: only the
 * services' role calls it (store/write-key.ts `heldElsewhere`), so only that role may execute it. A function is
 * executable by every role (PUBLIC) unless taken back, as `hub_bump_stats_version` is (…25StatsVersion).
 */
export class Migration20261207000093WriteKeyGrant extends Migration {
  override async up(): Promise<void> {
    this.addSql(`revoke all on function hub_write_key_held(text, integer) from public`);
    this.addSql(`do $$ begin if exists (select 1 from pg_roles where rolname = 'hub_app') then
      grant execute on function hub_write_key_held(text, integer) to hub_app;
    end if; end $$`);
  }
}
