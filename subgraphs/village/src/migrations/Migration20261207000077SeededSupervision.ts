import { Migration } from '@mikro-orm/migrations';

/**
 * The demo data's 督办 orders named no issuer and no note (`supervised_by`, `supervision_note`), though their timeline
 * step (SUPERVISE) did: the seed wrote only `supervised_at`. Such an order takes both from its latest step, as
 * …066SupervisionReply did for the orders given before it. An order given through the API already has both.
 */
export class Migration20261207000077SeededSupervision extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `update dispute d set supervised_by = s.actor, supervision_note = s.note
         from (select distinct on (dispute_id) dispute_id, actor, note from dispute_step where action = 'SUPERVISE' order by dispute_id, at desc, id desc) s
        where s.dispute_id = d.id and d.supervised_at is not null and d.supervised_by is null`,
    );
  }
}
