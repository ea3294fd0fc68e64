import { Migration } from '@mikro-orm/migrations';

/**
 * A disbanded team's patrols are still entered afterwards: clerks copy the paper patrol log days later, and a patrol
 * walked before the team ended is part of its record (docs/ARCHITECTURE.md, "Maintaining the forces"). Its
 * participants are judged against the members the team had when it ended, who left it then, so the disband keeps
 * them (`ended_member_ids`, ids in order). A team disbanded before this column has none kept: an empty list.
 */
export class Migration20261206000062DisbandedMembers extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table patrol_team add column ended_member_ids integer[]`);
    this.addSql(`update patrol_team set ended_member_ids = '{}' where ended_at is not null`);
    this.addSql(`alter table patrol_team add constraint patrol_team_ended_members check ((ended_at is null) = (ended_member_ids is null))`);
  }
}
