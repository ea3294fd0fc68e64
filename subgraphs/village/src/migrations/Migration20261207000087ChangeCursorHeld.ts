import { Migration } from '@mikro-orm/migrations';

/**
 * Whether a change-feed position (commit sequence and entry id) names an entry the caller may resume from: one of
 * its own jurisdiction (a feed line it read, or one a narrower caller of its integration read), or the last entry of
 * its transaction, whoever's it is, which is what the feed's position names (an export's X-Change-Cursor, a short
 * page's endCursor). Any other entry of another jurisdiction is refused as a cursor never written: answering for it
 * told a caller, entry id by entry id, how many records each transaction changed outside its jurisdiction. The last
 * entry of a transaction tells no more than the feed's position tells any reader when that transaction commits
 * (docs/ARCHITECTURE.md, "Events", the change feed). The caller's jurisdiction is the transaction's, as for every
 * policy; the sibling lookup runs on the log's (txid, id) index.
 */
export class Migration20261207000087ChangeCursorHeld extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create or replace function hub_change_entry_exists(at_seq bigint, entry_id bigint) returns boolean
      language sql stable security definer set search_path = public as $$
        select exists (
          select 1 from change_log l join change_tx t on t.txid = l.txid
           where l.id = entry_id and t.seq = at_seq
             and (hub_in_jurisdiction(l.grid_code) or not exists (select 1 from change_log n where n.txid = l.txid and n.id > l.id)))
      $$`);
  }
}
