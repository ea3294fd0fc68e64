import { Migration } from '@mikro-orm/migrations';
import { replaceInFunctions } from './patch-functions.ts';

/**
 * 按期化解 across levels (docs/ARCHITECTURE.md, "The case engine"): a case moved up a level while open past its settle
 * deadline keeps `missed_deadline` (the village's story sets it, disputes/story.ts), and the two functions that sum a
 * village's disputes per day (…06Rollups' full refresh, …08DayPairs' refresh of the days a write touched, as …52
 * left them) count it as resolved but never on time. The next level's fresh deadline had made a case escalated 67
 * days after its report count as settled on time.
 *
 * Records written before this migration read false: their stories are not replayed here.
 */
const ON_TIME = `count(*) filter (where r and resolved_at <= settle_by)`;
const ON_TIME_NOW = `count(*) filter (where r and resolved_at <= settle_by and not missed_deadline)`;

export class Migration20261206000056MissedDeadline extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table dispute add column missed_deadline boolean not null default false`);
    this.addSql(replaceInFunctions(ON_TIME, ON_TIME_NOW, 2));
  }
}
