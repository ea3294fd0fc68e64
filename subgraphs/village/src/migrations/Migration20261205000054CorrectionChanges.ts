import { Migration } from '@mikro-orm/migrations';

/**
 * What a correction (更正, a CORRECT step) replaced: `dispute_step.changes`
 * holds, for each field it changed, the value before and the value after
 * (`DisputeStep.changes`), so the case as first reported can still be read
 * once it is corrected. Null on every other step, and on corrections
 * recorded before this column (their note names the fields only).
 */
export class Migration20261205000054CorrectionChanges extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table dispute_step add column changes jsonb check (changes is null or (action = 'CORRECT' and jsonb_typeof(changes) = 'array'))`);
  }
}
