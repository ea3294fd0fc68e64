import { Migration } from '@mikro-orm/migrations';

/**
 * One write path per kind (docs/ARCHITECTURE.md, "One write path per kind"):
 * a rejected import line keeps the code a mutation breaking the same rule
 * answers (`BAD_USER_INPUT`, `NOT_FOUND`, `CONFLICT`, `FORBIDDEN`), so a
 * resumed job replays it with its code. Lines rejected before were all
 * field or reference errors: BAD_USER_INPUT.
 */
export class Migration20261201000024WritePath extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table import_reject add column code text not null default 'BAD_USER_INPUT'`);
  }
}
