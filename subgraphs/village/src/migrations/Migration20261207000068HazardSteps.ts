import { Migration } from '@mikro-orm/migrations';
import { appendOnly, jurisdictionPolicy } from '../../../../platform/rls.ts';

/**
 * 隐患整改闭环 (docs/ARCHITECTURE.md, "Hazards"): each step of a hazard's rectification in the append-only
 * `hazard_step`, with who took it (the token's subject, and the caller's name where it has one), the note or the
 * reason of a failed check (验收不合格), and the deadline a start set; located where the hazard is, so row-level
 * security keeps it to the hazard's grid as it keeps the hazard. The hazard keeps its deadline (`rectify_by`, a day
 * in China time) beside its status, so lists filter overdue hazards on the row; its writes go on feeding the change
 * feed and the roll-ups through the hazard table's own triggers.
 */
export class Migration20261207000068HazardSteps extends Migration {
  override async up(): Promise<void> {
    const statuses = `'REPORTED', 'RECTIFYING', 'RECTIFIED', 'VERIFIED'`;
    const sql = [
      `alter table hazard add column rectify_by date`,
      `create table hazard_step (
        id bigint generated always as identity primary key,
        hazard_id integer not null references hazard (id),
        at timestamptz not null default now(),
        action text not null check (action in ('START', 'RECTIFY', 'VERIFY', 'SEND_BACK')),
        status_from text not null check (status_from in (${statuses})),
        status_to text not null check (status_to in (${statuses})),
        by_subject text not null,
        by_name text,
        note text check (note is null or length(note) between 1 and 500),
        rectify_by date,
        village_code text not null,
        grid_code text not null,
        check (action <> 'SEND_BACK' or note is not null)
      )`,
      `create index hazard_step_hazard on hazard_step (hazard_id, id)`,
      ...jurisdictionPolicy('hazard_step', 'grid_code'),
      ...appendOnly('hazard_step'),
      `do $$ begin if exists (select 1 from pg_roles where rolname = 'hub_app') then revoke update, delete, truncate on hazard_step from hub_app; end if; end $$`,
    ];
    for (const s of sql) this.addSql(s);
  }
}
