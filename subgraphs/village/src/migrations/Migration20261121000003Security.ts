import { Migration } from '@mikro-orm/migrations';
import { appendOnly, JURISDICTION_FUNCTION, jurisdictionPolicy } from '../../../../platform/rls.ts';

/**
 * Jurisdiction enforced in the database: every table holding personal or
 * case data gets a row-level-security policy on its division code, so a
 * query path that forgets a filter still cannot return another area's rows.
 * And the audit log of reads of unmasked personal data.
 */
export class Migration20261121000003Security extends Migration {
  override async up(): Promise<void> {
    this.addSql(JURISDICTION_FUNCTION);
    const byGrid = ['address', 'house', 'household', 'person', 'site', 'grid_staff', 'joint_defense_group', 'patrol_team', 'patrol', 'hazard'];
    for (const t of byGrid) for (const s of jurisdictionPolicy(t, 'grid_code')) this.addSql(s);
    for (const t of ['patrol_team_member', 'mediation_committee', 'mediator']) for (const s of jurisdictionPolicy(t, 'village_code')) this.addSql(s);
    this.addSql(`
      create table audit_log (
        id bigint generated always as identity primary key,
        at timestamptz not null default now(),
        subject text not null,
        caller_name text,
        caller_jurisdiction text not null,
        operation text not null,
        request_id text,
        record_type text not null,
        record_ids integer[] not null,
        fields text[] not null
      )`);
    this.addSql(`create index audit_log_subject on audit_log (subject, id)`);
    this.addSql(`create index audit_log_at on audit_log (at)`);
    for (const s of appendOnly('audit_log')) this.addSql(s);
    this.addSql(`alter table audit_log enable row level security`);
    this.addSql(`create policy audit_log_insert on audit_log for insert with check (true)`);
    // Administrators read the entries of callers inside their own jurisdiction.
    this.addSql(`create policy audit_log_read on audit_log for select using (caller_jurisdiction like current_setting('hub.jurisdiction', true) || '%')`);
    this.addSql(
      `do $$ begin if exists (select 1 from pg_roles where rolname = 'hub_app') then revoke update, delete, truncate on audit_log from hub_app; end if; end $$`,
    );
  }
}
