import { Migration } from '@mikro-orm/migrations';
import { personHistoryFunction } from './Migration20261201000023LifeCycle.ts';
import { STATUS_NOTE } from './Migration20261204000038Reinstate.ts';

/**
 * The change feed and a person's history tell the same story (docs/ARCHITECTURE.md, "Events", the change feed).
 *
 * - A person's history names the hub's own job as the feed does (…70ChangeAuthors): `system:upkeep`,
 *   `system:events`, read from `hub.job`, where it named the database role the job's connection logs in as. A change
 *   written in the database by none of the hub's jobs (an operator, a migration) still names the role: an auditor of
 *   the history asks which operator it was, where the feed's integrations read `system:database`. Entries written
 *   before keep what they say.
 * - A dispute's step on its entry: each step on the case's timeline (`dispute_step`) sets `step` and `step_note` on the
 *   case's own entry of the same transaction (its CREATED for the report, its TRANSITION or UPDATED for the rest,
 *   already naming `timeline`), as a hazard's step does. The case's row is written before its step in every path: the
 *   report inserts the case and then its REPORT step, a village step saves the case and then records the step
 *   (`takeStep`), a note outside the order (督办, its reply, 更正) updates the case first, and a step of the township or
 *   the county (`case.step`) is applied to the case before it joins the timeline (disputes/events.ts). A step that came
 *   before the steps preceding it changes no row of the case when it arrives (it waits for them), so it has no entry
 *   of its own: the entry of the step that fills the gap names that step, and tells the case as it stands after both.
 */
export class Migration20261207000073ChangeStoryAgrees extends Migration {
  override async up(): Promise<void> {
    const sql = [
      personHistoryFunction('create or replace', STATUS_NOTE, true, true, true),
      `create function hub_changes_dispute_step() returns trigger language plpgsql security definer set search_path = public as $$
        begin
          update change_log l
             set step = n.action, step_note = n.note
            from new_rows n
           where l.txid = pg_current_xact_id() and l.kind = 'DISPUTE' and l.record_id = n.dispute_id::text
             and l.step is null;
          return null;
        end $$`,
      `create trigger dispute_step_changes after insert on dispute_step referencing new table as new_rows
         for each statement execute function hub_changes_dispute_step()`,
    ];
    for (const s of sql) this.addSql(s);
  }
}
