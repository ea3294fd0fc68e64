import { Migration } from '@mikro-orm/migrations';

/**
 * 承办调解员: a case assigned to a registered people's mediator (assignDispute's `mediatorId`) records the mediator's
 * registry id beside the name it shows as `assignee`; null when the desk named whoever handles it in words, or no one
 * yet. The mediator's own list (`Mediator.disputes`) and a desk's `disputes(filter: { mediatorId })` page a mediator's
 * cases newest first by the case's number (their order and cursor), from this index: its columns compared by plain
 * equality, which row-level security lets an index serve (leakproof). No foreign key: a mediator who stops serving leaves `mediator` for
 * `mediator_ended`, and the cases they handled still name them.
 */
export class Migration20261207000080DisputeMediator extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table dispute add column mediator_id integer`);
    this.addSql(`create index dispute_mediator_no on dispute (mediator_id, no)`);
  }
}
