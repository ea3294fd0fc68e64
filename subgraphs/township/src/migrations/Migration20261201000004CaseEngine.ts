import { Migration } from '@mikro-orm/migrations';

/**
 * The case engine at the township (docs/ARCHITECTURE.md, "The case engine"):
 * the case's order (`seq`), the deadline rule it came up with (the village
 * owns `deadline_rule`; escalation carries the case's entry), the reply
 * deadline, re-handling rounds, and 报到/反馈 deadlines on every dispatch.
 * Inboxes page on (received_at, dispute_id) and dispatches on (dispatched_at, id).
 */
export class Migration20261201000004CaseEngine extends Migration {
  override async up(): Promise<void> {
    const sql = [
      `alter table township_case
         add column seq integer not null default 0,
         add column contact_minutes integer not null default 60,
         add column settle_hours integer not null default 72,
         add column reply_hours integer not null default 24,
         add column reply_by timestamptz,
         add column rehandled integer not null default 0`,
      `alter table dispatch add column acknowledge_by timestamptz, add column report_by timestamptz`,
      `update dispatch d set acknowledge_by = d.dispatched_at + make_interval(mins => c.contact_minutes),
                             report_by = d.dispatched_at + make_interval(hours => c.settle_hours)
         from township_case c where c.dispute_id = d.dispute_id`,
      `alter table dispatch alter column acknowledge_by set not null, alter column report_by set not null`,
      `drop index township_case_township`,
      `create index township_case_township on township_case (township_code, received_at desc, dispute_id desc)`,
      `create index township_case_county on township_case (county_code, received_at desc, dispute_id desc)`,
      `create index dispatch_township on dispatch (township_code, dispatched_at desc, id desc)`,
      `create index dispatch_department on dispatch (department_kind, left(township_code, 6), dispatched_at desc, id desc)`,
    ];
    for (const s of sql) this.addSql(s);
  }
}
