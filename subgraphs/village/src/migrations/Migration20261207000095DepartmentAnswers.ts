import { Migration } from '@mikro-orm/migrations';
import { DEPARTMENTS } from '../../../../domain/departments.ts';

/**
 * A department's 报到 and 反馈 (DEPARTMENT_ACKNOWLEDGE, DEPARTMENT_REPORT steps) name their department by kind
 * (`dispute_step.departments`, one element), as a 吹哨 names those it calls and a withdrawal the one it takes the case
 * back from: a department reads of a case's 吹哨报到 steps only its own (disputes/department-steps.ts), and told by the
 * step's actor text alone it would lose its own step when its name is written otherwise, or read another's whose name
 * begins with its own.
 *
 * The village holds no link from a 报到 or 反馈 to the dispatch it answers (the dispatch rows are the township's), so
 * those recorded before are matched by their actor: the department's name (the text before a full-width bracket, which
 * names who in the department took the step) ends with the department's suffix, among the departments an earlier 吹哨 of
 * the same case called on; where two suffixes match, the longer one is the name's. A step no such department matches
 * keeps none, and is told by its actor as before. The timeline is append-only, so its guard against updates
 * (`dispute_step_moves_only`, …074DisputeGridMove) is lifted for that one update.
 */
export class Migration20261207000095DepartmentAnswers extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table dispute_step drop constraint dispute_step_departments_check`);
    this.addSql(
      `alter table dispute_step add constraint dispute_step_departments_check check (departments is null
         or (action = 'DISPATCH' and cardinality(departments) > 0)
         or (action in ('WITHDRAW_DISPATCH', 'DEPARTMENT_ACKNOWLEDGE', 'DEPARTMENT_REPORT') and cardinality(departments) = 1))`,
    );
    const names = DEPARTMENTS.map(([kind, suffix]) => `('${kind}', '${suffix}')`).join(', ');
    this.addSql(`alter table dispute_step disable trigger dispute_step_moves_only`);
    this.addSql(
      `update dispute_step s set departments = array[k.kind]
         from (select distinct on (a.id) a.id, n.kind
                 from dispute_step a
                 join dispute_step d on d.dispute_id = a.dispute_id and d.action = 'DISPATCH' and d.seq < a.seq
                 cross join unnest(d.departments) called(kind)
                 join (values ${names}) n(kind, suffix) on n.kind = called.kind
                where a.action in ('DEPARTMENT_ACKNOWLEDGE', 'DEPARTMENT_REPORT') and a.departments is null
                  and right(split_part(a.actor, '（', 1), length(n.suffix)) = n.suffix
                order by a.id, length(n.suffix) desc) k
        where s.id = k.id`,
    );
    this.addSql(`alter table dispute_step enable trigger dispute_step_moves_only`);
  }
}
