import { Migration } from '@mikro-orm/migrations';

/**
 * The signature of the case's last step here (domain/case-engine.ts
 * `stepSignature`: action, actor and what was sent), so that a step sent
 * again after its answer was lost is answered with the case rather than
 * CONFLICT (docs/ARCHITECTURE.md, "Retries"). Null until the next step.
 */
export class Migration20261205000009LastStep extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table county_case add column last_step text`);
  }
}
