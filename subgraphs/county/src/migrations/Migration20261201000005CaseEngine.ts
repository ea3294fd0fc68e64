import { Migration } from '@mikro-orm/migrations';

/**
 * The case engine at the county (docs/ARCHITECTURE.md, "The case engine"):
 * the case's order (`seq`), the deadline rule it came up with, the reply
 * deadline and re-handling rounds. The inbox pages on (received_at, dispute_id).
 */
export class Migration20261201000005CaseEngine extends Migration {
  override async up(): Promise<void> {
    const sql = [
      `alter table county_case
         add column seq integer not null default 0,
         add column contact_minutes integer not null default 60,
         add column settle_hours integer not null default 72,
         add column reply_hours integer not null default 24,
         add column reply_by timestamptz,
         add column rehandled integer not null default 0`,
      `drop index county_case_county`,
      `create index county_case_county on county_case (county_code, received_at desc, dispute_id desc)`,
    ];
    for (const s of sql) this.addSql(s);
  }
}
