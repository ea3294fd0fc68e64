import { Migration } from '@mikro-orm/migrations';
import { divisionTargetTable } from '../../../../domain/assessment.ts';

/**
 * The village's copy of the assessment targets, per division and year like
 * the county's (docs/ARCHITECTURE.md "Assessment"). The copies of the old
 * per-level rows go with the county's; `target.set` events fill the new table.
 */
export class Migration20261201000020DivisionTargets extends Migration {
  override async up(): Promise<void> {
    this.addSql('drop table assessment_target');
    for (const s of divisionTargetTable()) this.addSql(s);
  }
}
