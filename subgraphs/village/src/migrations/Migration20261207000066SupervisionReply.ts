import { Migration } from '@mikro-orm/migrations';

/**
 * 督办 as an order with a reply (回复): the case keeps its latest order (who gave it, its note, the reply deadline)
 * and the holding level's one reply to it (what, when, by whom, at which level), beside `supervised_at` (when). A new order replaces
 * the last one, its reply with it; every order and reply stays on the timeline (SUPERVISE, SUPERVISION_REPLY). Orders
 * given before had no deadline: they keep none (never overdue), their issuer and note read from their timeline step.
 */
export class Migration20261207000066SupervisionReply extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table dispute
         add column supervised_by text,
         add column supervision_note text,
         add column supervision_reply_by timestamptz,
         add column supervision_reply text,
         add column supervision_replied_at timestamptz,
         add column supervision_replied_by text,
         add column supervision_replied_level text check (supervision_replied_level in ('VILLAGE', 'TOWNSHIP', 'COUNTY')),
         add constraint dispute_supervision_reply_check
           check ((supervision_reply is null) = (supervision_replied_at is null) and (supervision_reply is null or supervised_at is not null))`,
    );
    this.addSql(
      `update dispute d set supervised_by = s.actor, supervision_note = s.note
         from (select distinct on (dispute_id) dispute_id, actor, note from dispute_step where action = 'SUPERVISE' order by dispute_id, at desc, id desc) s
        where s.dispute_id = d.id and d.supervised_at is not null`,
    );
    // The county's list of cases whose reply is overdue reads the deadline of cases under an order.
    this.addSql(`create index dispute_supervision_reply_by on dispute (county_code, supervision_reply_by) where supervision_reply_by is not null`);
  }
}
