import { Migration } from '@mikro-orm/migrations';

/**
 * The change feed's last entry as the caller's snapshot sees it, in any
 * jurisdiction: an export reads it in its own snapshot and hands it out as
 * the cursor to follow the feed from, so that every change the export does
 * not show comes after it and none it shows does (docs/ARCHITECTURE.md,
 * "Events", the change feed). Its sequence is in every cursor already; the pair names an
 * entry, which the feed then reads under the caller's own row-level security.
 */
export class Migration20261205000050ChangePosition extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create function hub_change_position(out seq bigint, out id bigint)
      language sql stable security definer set search_path = public as $$
        select t.seq, l.id from change_tx t join change_log l on l.txid = t.txid where t.seq is not null order by t.seq desc, l.id desc limit 1
      $$`);
  }
}
