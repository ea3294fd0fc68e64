import { Migration } from '@mikro-orm/migrations';
import { jurisdictionPolicy } from '../../../../platform/rls.ts';

/**
 * Idempotency keys of creating mutations (docs/ARCHITECTURE.md, "Retries"):
 * a grid worker's app on a poor network sends a create again when it lost
 * the answer, and the key makes the retry answer the record the first call
 * wrote instead of writing a second one. A key belongs to the caller
 * (`owner`, the token's subject); `input_hash` tells a retry from another
 * write under the same key. Rows are readable within the jurisdiction of the
 * record's place, as the record is.
 */
export class Migration20261205000048WriteKeys extends Migration {
  override async up(): Promise<void> {
    for (const sql of [
      `create table write_key (
         owner text not null,
         key text not null,
         mutation text not null,
         input_hash text not null,
         record_id bigint not null,
         place text not null,
         created_at timestamptz not null default now(),
         primary key (owner, key))`,
      `create index write_key_age on write_key (created_at)`,
      ...jurisdictionPolicy('write_key', 'place'),
    ]) {
      this.addSql(sql);
    }
  }
}
