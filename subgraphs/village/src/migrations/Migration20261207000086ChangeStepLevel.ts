import { Migration } from '@mikro-orm/migrations';

/**
 * A case's step on the change feed names its level (`Change.stepLevel`): a village's ACCEPT and a township's ACCEPT
 * are different desks' steps. The step's trigger (…73ChangeStoryAgrees) sets it from the timeline row's `level` with
 * the step. Entries filed before take it where the case's timeline says it unambiguously (the step on the entry was
 * taken at one level only in that case); otherwise it stays null, as nothing stored says which level's step it was.
 */
export class Migration20261207000086ChangeStepLevel extends Migration {
  override async up(): Promise<void> {
    const sql = [
      `alter table change_log add column step_level text`,
      `create or replace function hub_changes_dispute_step() returns trigger language plpgsql security definer set search_path = public as $$
        begin
          update change_log l
             set step = n.action, step_note = n.note, step_level = n.level
            from new_rows n
           where l.txid = pg_current_xact_id() and l.kind = 'DISPUTE' and l.record_id = n.dispute_id::text
             and l.step is null;
          return null;
        end $$`,
      `update change_log l
          set step_level = s.level
         from (select dispute_id::text as record_id, action, min(level) as level
                 from dispute_step group by dispute_id, action having count(distinct level) = 1) s
        where l.kind = 'DISPUTE' and l.step is not null and l.step_level is null
          and l.record_id = s.record_id and l.step = s.action`,
    ];
    for (const s of sql) this.addSql(s);
  }
}
