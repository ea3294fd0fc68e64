import { Migration } from '@mikro-orm/migrations';

/**
 * The two foreign keys to `person` without an index on their column. Every
 * deleted or renumbered resident made PostgreSQL scan all households (head)
 * and all joint-defense groups (leader) to check nothing still pointed at
 * them; removing the 200,000 residents of an import run took over 13 minutes
 * before it was stopped. Every other foreign key in the three databases
 * already had one (checked against pg_constraint).
 */
export class Migration20261121000014ReferenceIndexes extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index household_head on household (head_id) where head_id is not null`);
    this.addSql(`create index joint_defense_group_leader on joint_defense_group (leader_id) where leader_id is not null`);
  }
}
