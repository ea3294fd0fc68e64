import { Migration } from '@mikro-orm/migrations';

/**
 * Whether a caller holds an idempotency key at all (`once`, resolvers/Mutation/write.ts): a key belongs to the token's
 * subject, and a subject several grids' workers share may have used it from a jurisdiction whose record row-level
 * security hides from this one. Security definer, answering only yes or no for the caller's own subject and key (the
 * key's write, record and place stay behind `write_key`'s policy). A key older than `days` (`WRITE_KEY_DAYS`) is no
 * longer the caller's: that row, which the caller's own sweep could not see, goes first, so the key writes anew.
 */
export class Migration20261207000090WriteKeyElsewhere extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create function hub_write_key_held(who text, wanted text, days integer)
      returns boolean
      language sql volatile security definer set search_path = public as $$
        delete from write_key w where w.owner = who and w.key = wanted and w.created_at < now() - make_interval(days => days);
        select exists (select 1 from write_key w where w.owner = who and w.key = wanted);
      $$`);
  }
}
