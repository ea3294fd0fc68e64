import { Migration } from '@mikro-orm/migrations';

/**
 * What a case's record keeps of the steps that stand outside its order, so
 * that they are data and reach the change feed (…09Changes writes an entry
 * for the columns an update changes):
 * - `decline_reason` and `duplicate_of`: why a report was declined at intake
 *   (不予受理, `DeclineReason`) and, for a duplicate, the number of the case
 *   it repeats; set by the DECLINE step, read as `Dispute.declineReason` and
 *   `Dispute.duplicateOf`.
 * - `noted_at`: when the last note outside the order (督办, 更正) was added,
 *   so its entry names `timeline`.
 * - `parties_changed_at`: when a correction last replaced the parties (kept
 *   in `dispute_party`), so its entry names `parties`.
 */
export class Migration20261205000053DisputeNotes extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table dispute
      add column decline_reason text check (decline_reason in ('NOT_A_DISPUTE', 'DUPLICATE', 'IN_LEGAL_PROCEEDINGS', 'WITHDRAWN')),
      add column duplicate_of text,
      add column noted_at timestamptz,
      add column parties_changed_at timestamptz`);
    // The declined reports of a period, counted beside the figures (DisputeStats.declined), as re-handled cases are.
    this.addSql(`create index dispute_declined on dispute (village_code, reported_at) where status = 'DECLINED'`);
    // The reports declined as duplicates of a case, found when that case is to be declined in its turn.
    this.addSql(`create index dispute_duplicate_of on dispute (duplicate_of) where duplicate_of is not null`);
  }
}
