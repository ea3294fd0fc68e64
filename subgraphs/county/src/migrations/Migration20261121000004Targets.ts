import { Migration } from '@mikro-orm/migrations';
import { assessmentTargetTable } from '../../../../domain/assessment.ts';

/** Assessment targets (考核) per indicator and level; the county subgraph is their system of record. */
export class Migration20261121000004Targets extends Migration {
  override async up(): Promise<void> {
    for (const s of assessmentTargetTable()) this.addSql(s);
  }
}
