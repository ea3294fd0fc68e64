import { Migration } from '@mikro-orm/migrations';

/**
 * A rejected line of an import keeps the name of the rule it broke
 * (`extensions.rule` of a form breaking the same rule), so a resumed job
 * replays it with its rule. Null where no named rule applies (an unreadable
 * line, a dispute row's checks) and on lines rejected before this migration.
 */
export class Migration20261205000046RejectRule extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table import_reject add column rule text`);
  }
}
