import { Migration } from '@mikro-orm/migrations';

/**
 * What each step set (docs/ARCHITECTURE.md, "The case engine"): the
 * deadlines it started, the outcome of a resolution and the assignee of an
 * assignment, kept on the timeline row. A step that arrives before the steps
 * preceding it in the case's order waits in the timeline; when the gap fills,
 * the village record is derived from these rows, in `seq` order.
 */
export class Migration20261201000018StepFacts extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table dispute_step add column outcome text, add column assignee text,
         add column contact_by timestamptz, add column settle_by timestamptz, add column reply_by timestamptz`,
    );
  }
}
