import { Migration } from '@mikro-orm/migrations';

/**
 * Who made each change of the feed, and a hazard's step on its entry (docs/ARCHITECTURE.md, "Events", the change
 * feed).
 *
 * - `by_subject`, `by_name`, `via`: taken from the writing transaction's settings as the person history takes them
 *   (…23LifeCycle): the request's caller (`hub.subject`, `hub.actor`: via API), else the importer (`hub.import_subject`,
 *   `hub.import_actor`: via IMPORT), else the hub itself (via SYSTEM), named `system:` and its job (`hub.job`: the
 *   upkeep, the events of the other levels) or `system:database` for a change written in the database by no job of
 *   the hub (an operator, a migration). The database role is not named: the feed's readers are a jurisdiction's
 *   integrations, not its operators. Column defaults, so every trigger that files an entry (as each migration
 *   snapshotted it) fills them without being written again. Added without the defaults first: the entries written
 *   before read null, not what this migration's own session would say.
 * - `step`, `step_note`: a hazard's step (`hazard_step`, …68HazardSteps) on the hazard's TRANSITION that it moved,
 *   with its note, and the entry names `steps`, as a case's step is a DISPUTE entry naming `timeline`. The hazard's
 *   row is written before its step in the same transaction (`takeStep`), so the step finds its entry.
 */
const SET = (name: string) => `nullif(current_setting('${name}', true), '')`;

export class Migration20261207000070ChangeAuthors extends Migration {
  override async up(): Promise<void> {
    const sql = [
      `alter table change_log
         add column by_subject text,
         add column by_name text,
         add column via text check (via in ('API', 'IMPORT', 'SYSTEM')),
         add column step text,
         add column step_note text`,
      `alter table change_log
         alter column by_subject set default coalesce(${SET('hub.subject')}, ${SET('hub.import_subject')}, 'system:' || coalesce(${SET('hub.job')}, 'database')),
         alter column by_name set default coalesce(${SET('hub.actor')}, ${SET('hub.import_actor')}),
         alter column via set default case when ${SET('hub.subject')} is not null then 'API'
                                           when ${SET('hub.import_subject')} is not null then 'IMPORT'
                                           else 'SYSTEM' end`,
      `create function hub_changes_hazard_step() returns trigger language plpgsql security definer set search_path = public as $$
        begin
          update change_log l
             set step = n.action, step_note = n.note, changed_fields = array_append(l.changed_fields, 'steps')
            from new_rows n
           where l.txid = pg_current_xact_id() and l.kind = 'HAZARD' and l.op = 'TRANSITION' and l.record_id = n.hazard_id::text
             and l.step is null;
          return null;
        end $$`,
      `create trigger hazard_step_changes after insert on hazard_step referencing new table as new_rows
         for each statement execute function hub_changes_hazard_step()`,
    ];
    for (const s of sql) this.addSql(s);
  }
}
