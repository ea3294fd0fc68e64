import { Migration } from '@mikro-orm/migrations';

/**
 * The version a create sent without an idempotency key left its record at (`sameOnce`, resolvers/Mutation/write.ts):
 * the very same create sent again is a retry only while that record is as the first call wrote it; one changed since
 * (corrected, moved, rectified) makes a second call alike in every field a new entry. Null for keyed writes.
 */
export class Migration20261207000089SameWriteVersion extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table write_key add column record_version integer`);
  }
}
