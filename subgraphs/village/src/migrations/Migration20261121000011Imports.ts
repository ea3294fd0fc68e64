import { Migration } from '@mikro-orm/migrations';

/**
 * Bulk imports (issue 8): jobs that can be resumed after an interruption,
 * their rejected lines, and natural keys for the kinds that had none (an
 * external id, unique within the village, as the source system numbers them).
 */
export class Migration20261121000011Imports extends Migration {
  override async up(): Promise<void> {
    const sql = [
      `create table import_job (
        owner text not null,
        id text not null,
        kind text not null,
        committed_line integer not null default 0,
        inserted integer not null default 0,
        updated integer not null default 0,
        unchanged integer not null default 0,
        rejected integer not null default 0,
        started_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        finished_at timestamptz,
        primary key (owner, id)
      )`,
      `create table import_reject (
        owner text not null,
        job_id text not null,
        line integer not null,
        field text not null,
        reason text not null,
        foreign key (owner, job_id) references import_job (owner, id) on delete cascade
      )`,
      `create index import_reject_job on import_reject (owner, job_id, line)`,
      // ID numbers of people registered outside the caller's jurisdiction (invisible to it under RLS):
      // an import may not take them over, and must say so rather than fail the batch.
      `create function hub_registered_outside(ids text[]) returns setof text language sql stable security definer set search_path = public as $$
        select id_number from person where id_number = any(ids) and not hub_in_jurisdiction(grid_code)
      $$`,
    ];
    for (const t of ['site', 'joint_defense_group', 'patrol_team']) {
      sql.push(`alter table ${t} add column external_id text check (length(external_id) between 1 and 64)`);
      sql.push(`alter table ${t} add constraint ${t}_external unique (village_code, external_id)`);
    }
    for (const s of sql) this.addSql(s);
  }
}
