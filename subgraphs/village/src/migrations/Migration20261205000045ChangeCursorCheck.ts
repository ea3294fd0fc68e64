import { Migration } from '@mikro-orm/migrations';

/**
 * Whether a change-feed position (commit sequence and entry id) names an
 * entry of this feed, whoever's jurisdiction it is under: an integration's
 * cursor read by one caller may be passed on by another (a county's
 * integration resuming what a village's began), while a cursor of another
 * deployment, or one kept from before a database restore, names no entry.
 * It answers only for the exact pair, which a caller cannot guess without
 * having been given it; the sequence itself is in every cursor already
 * (docs/ARCHITECTURE.md, "Events", the change feed).
 */
export class Migration20261205000045ChangeCursorCheck extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create function hub_change_entry_exists(at_seq bigint, entry_id bigint) returns boolean
      language sql stable security definer set search_path = public as $$
        select exists (select 1 from change_log l join change_tx t on t.txid = l.txid where l.id = entry_id and t.seq = at_seq)
      $$`);
  }
}
