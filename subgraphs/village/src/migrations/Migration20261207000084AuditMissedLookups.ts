import { randomBytes } from 'node:crypto';
import { Migration } from '@mikro-orm/migrations';

/**
 * A lookup by ID number or phone that found nobody in the caller's area names no record, so an inspector could not
 * tell a caller trying numbers (fishing) from one looking up a resident, nor that two misses tried the same number.
 * Each entry now keeps a fingerprint of every number it tried in vain: a keyed hash (HMAC-SHA-256, the first 16 hex
 * digits) under a key this database draws once and never shows. The number itself is not kept, and the fingerprint
 * cannot be turned back into it by trying the few hundred million valid ID numbers of a county, as a plain hash could;
 * a masked form (623021********1234) would name the area and last digits and still not tell two numbers apart.
 */
export class Migration20261207000084AuditMissedLookups extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table audit_log add column missed_lookups text[] not null default '{}'`);
    this.addSql(`create table audit_lookup_key (key text not null)`);
    this.addSql(`insert into audit_lookup_key (key) values ('${randomBytes(32).toString('hex')}')`);
    // The services read the key; nobody changes it (a new key would make earlier fingerprints match no later one).
    this.addSql(
      `do $$ begin if exists (select 1 from pg_roles where rolname = 'hub_app') then revoke insert, update, delete, truncate on audit_lookup_key from hub_app; end if; end $$`,
    );
  }
}
