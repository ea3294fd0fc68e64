import { Migration } from '@mikro-orm/migrations';

/**
 * Whether the transaction's own caller holds an idempotency key (`once`, resolvers/Mutation/write.ts), as
 * …90WriteKeyElsewhere answers it, with the key's owner read from the transaction's `hub.subject` (set with its
 * jurisdiction for every request, platform/jurisdiction.ts `scopedEm`) instead of taken as a parameter: the function
 * reads and deletes past row-level security, so a statement naming another subject would learn whether that subject
 * used a key and drop its expired row. A transaction naming no caller (an import, the hub's own jobs) holds no key: no
 * and nothing deleted (fail closed).
 */
export class Migration20261207000092WriteKeyCaller extends Migration {
  override async up(): Promise<void> {
    this.addSql(`drop function hub_write_key_held(text, text, integer)`);
    this.addSql(`create function hub_write_key_held(wanted text, days integer)
      returns boolean
      language sql volatile security definer set search_path = public as $$
        delete from write_key w where w.owner = nullif(current_setting('hub.subject', true), '') and w.key = wanted
          and w.created_at < now() - make_interval(days => days);
        select exists (select 1 from write_key w where w.owner = nullif(current_setting('hub.subject', true), '') and w.key = wanted);
      $$`);
  }
}
