import { Migration } from '@mikro-orm/migrations';

/**
 * The case's own order (docs/ARCHITECTURE.md, "The case engine"). Every step
 * of every level carries `seq`, numbered as the steps were taken; the village
 * record applies a case's steps in that order, holding any that arrive early
 * (`dispute.seq` is the last step applied: steps above it wait). Supervision
 * notes stand outside the order (seq null). `rehandled` counts the rounds of
 * re-handling after an unsatisfied rating.
 */
export class Migration20261201000017CaseOrder extends Migration {
  override async up(): Promise<void> {
    const sql = [
      `alter table dispute add column seq integer not null default 0, add column rehandled integer not null default 0`,
      `alter table dispute_step add column seq integer`,
      // Steps recorded before the order existed are numbered in time order (the append-only rule is lifted for this one statement).
      `alter table dispute_step disable trigger dispute_step_append_only`,
      `update dispute_step s set seq = n.seq
         from (select id, row_number() over (partition by dispute_id order by at, id)::int as seq from dispute_step where action <> 'SUPERVISE') n
        where s.id = n.id`,
      `alter table dispute_step enable trigger dispute_step_append_only`,
      `update dispute d set seq = coalesce((select max(seq) from dispute_step s where s.dispute_id = d.id), 0)`,
      `create unique index dispute_step_seq on dispute_step (dispute_id, seq) where seq is not null`,
    ];
    for (const s of sql) this.addSql(s);
  }
}
