import { Migration } from '@mikro-orm/migrations';

/**
 * A dispatch list filtered by case number (案件编号: a department clerk finds its dispatch of a case by the number the
 * township called it with) reads the case's dispatches through its township record by that number.
 */
export class Migration20261207000011CaseNumberIndex extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index township_case_number on township_case (case_number)`);
  }
}
