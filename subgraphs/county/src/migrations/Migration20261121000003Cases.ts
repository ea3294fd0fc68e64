import { Migration } from '@mikro-orm/migrations';
import { OUTBOX_TABLES } from '../../../../platform/outbox-schema.ts';
import { JURISDICTION_FUNCTION, jurisdictionPolicy } from '../../../../platform/rls.ts';

/** County-level case handling: cases escalated from townships, including referral to court. */
export class Migration20261121000003Cases extends Migration {
  override async up(): Promise<void> {
    const sql = [
      JURISDICTION_FUNCTION,
      `create table county_case (
        dispute_id uuid primary key,
        case_number text not null,
        county_code text not null references county (code),
        township_code text not null check (left(township_code, 6) = county_code),
        village_code text not null,
        category text not null,
        scale text not null,
        summary text not null,
        status text not null,
        received_at timestamptz not null,
        escalated_at timestamptz not null,
        settle_by timestamptz not null,
        assignee text,
        outcome text,
        resolved_at timestamptz,
        version integer not null default 1
      )`,
      `create index county_case_county on county_case (county_code, received_at)`,
      ...OUTBOX_TABLES,
    ];
    for (const s of sql) this.addSql(s);
    for (const s of jurisdictionPolicy('county_case', 'village_code')) this.addSql(s);
  }
}
