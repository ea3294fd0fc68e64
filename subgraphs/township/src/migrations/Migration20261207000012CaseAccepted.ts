import { Migration } from '@mikro-orm/migrations';

/**
 * 受理时间 at the level (`township_case.accepted_at`): its desk's ACCEPT, kept so that the desk's list says which cases it
 * accepted after their contact deadline here (`contactLate`, domain/case-inbox.ts). Records accepted before take the
 * time from what the level stored then: the ACCEPT it told the village (`case.step` of level TOWNSHIP in its own
 * outbox, which keeps delivered events), the latest one since the record's latest receipt (a record received anew
 * forgets an acceptance of an earlier round). A record whose ACCEPT the outbox does not hold keeps null.
 */
export class Migration20261207000012CaseAccepted extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table township_case add column accepted_at timestamptz`);
    this.addSql(`update township_case c
                    set accepted_at = o.at
                   from (select payload->>'disputeId' as dispute_id, max((payload->>'at')::timestamptz) as at
                           from hub_outbox
                          where target = 'village' and type = 'case.step' and payload->>'level' = 'TOWNSHIP' and payload->>'action' = 'ACCEPT'
                          group by payload->>'disputeId') o
                  where o.dispute_id = c.dispute_id::text and o.at >= c.received_at and c.status <> 'RECEIVED'`);
  }
}
