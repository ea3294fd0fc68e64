import { Migration } from '@mikro-orm/migrations';
import { DEPARTMENTS } from '../../../../domain/departments.ts';

/**
 * The departments a 吹哨 (a DISPATCH step) called on, by kind
 * (`dispute_step.departments`): a county department's caller reads a case by
 * its id only when the case was dispatched to it (docs/ARCHITECTURE.md,
 * "Departments"), and the village record had kept the departments
 * only in the step's note. Steps recorded before are filled from that note,
 * which names each department as its county's name and the department's
 * suffix (临潭县自然资源局); the timeline is append-only, so its guard is
 * lifted for that one update.
 */
export class Migration20261205000055DispatchDepartments extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table dispute_step add column departments text[] check (departments is null or (action = 'DISPATCH' and cardinality(departments) > 0))`);
    const names = DEPARTMENTS.map(([kind, suffix]) => `('${kind}', '${suffix}')`).join(', ');
    this.addSql(`alter table dispute_step disable trigger dispute_step_append_only`);
    this.addSql(
      `update dispute_step s set departments = k.kinds
         from (select s2.id, array_agg(n.kind order by n.kind) as kinds
                 from dispute_step s2 cross join (values ${names}) n(kind, suffix)
                where s2.action = 'DISPATCH' and position(n.suffix in split_part(coalesce(s2.note, ''), ' — ', 1)) > 0
                group by s2.id) k
        where s.id = k.id`,
    );
    this.addSql(`alter table dispute_step enable trigger dispute_step_append_only`);
  }
}
