import { Migration } from '@mikro-orm/migrations';

/**
 * Who ended a grid staff assignment, a mediator or a committee, by the token's subject as well as the name
 * `ended_by` shows: the same end sent again after its answer was lost is told by the subject that sent it
 * (`endedAgain`, store/row-kinds.ts), since two callers may share a display name. Taken from the transaction's
 * `hub.subject` setting, as the history triggers take it; rows ended before read null and answer no retry.
 */
const TABLES = ['grid_staff_ended', 'mediator_ended', 'mediation_committee_ended'];

export class Migration20261206000058EndedBySubject extends Migration {
  override async up(): Promise<void> {
    for (const t of TABLES) this.addSql(`alter table ${t} add column ended_by_subject text default nullif(current_setting('hub.subject', true), '')`);
  }
}
