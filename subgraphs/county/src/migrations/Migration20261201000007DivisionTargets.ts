import { Migration } from '@mikro-orm/migrations';
import { divisionTargetTable } from '../../../../domain/assessment.ts';

/**
 * Assessment targets belong to a division and a year (docs/ARCHITECTURE.md
 * "Assessment"), replacing one nationwide target per indicator and level.
 * The per-level rows are not carried over: a level has no division to own
 * them and no jurisdiction to check a write against, so every division starts
 * from the national defaults until it (or an ancestor) sets its own.
 * Undelivered `target.set` events of the old shape (a level and no division)
 * are dropped: they carry no jurisdiction to apply them within, and the
 * village drops the rows they were for too.
 */
export class Migration20261201000007DivisionTargets extends Migration {
  override async up(): Promise<void> {
    this.addSql(`delete from hub_outbox where type = 'target.set' and delivered_at is null and payload->>'divisionCode' is null`);
    this.addSql('drop table assessment_target');
    for (const s of divisionTargetTable()) this.addSql(s);
  }
}
