import { Migration } from '@mikro-orm/migrations';
import { assessmentTargetTable } from '../../../../domain/assessment.ts';

/** The village subgraph's copy of the assessment targets, kept current by events from the county subgraph. */
export class Migration20261121000005Targets extends Migration {
  override async up(): Promise<void> {
    for (const s of assessmentTargetTable()) this.addSql(s);
  }
}
