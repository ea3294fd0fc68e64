import { Migration } from '@mikro-orm/migrations';
import { DEPARTMENTS } from '../../../../domain/departments.ts';

/**
 * A withdrawal (撤回吹哨, a WITHDRAW_DISPATCH step) names the department it takes the case back from
 * (`dispute_step.departments`), as a 吹哨 names those it calls: a department reads a case only through a dispatch it
 * still holds, and one sent the case by mistake (派错部门) and withdrawn read the whole timeline, parties and every
 * later step included. Withdrawals recorded before are filled from their note, which names the one department first
 * (撤回吹哨：临潭县住房和城乡建设局（已吹哨）— 派错部门, or since 2026-12-07 临潭县住房和城乡建设局 — 派错部门); where
 * two suffixes match, the longer one is the name's. The
 * timeline is append-only, so its guard is lifted for that one update.
 */
export class Migration20261207000064WithdrawnDispatches extends Migration {
  override async up(): Promise<void> {
    // The check came with its column (…55DispatchDepartments), named by PostgreSQL: found by what it checks.
    this.addSql(
      `do $$ declare c text; begin
         for c in select conname from pg_constraint where conrelid = 'dispute_step'::regclass and contype = 'c' and pg_get_constraintdef(oid) like '%departments%'
         loop execute format('alter table dispute_step drop constraint %I', c); end loop;
       end $$`,
    );
    this.addSql(
      `alter table dispute_step add constraint dispute_step_departments_check check (departments is null
         or (action = 'DISPATCH' and cardinality(departments) > 0) or (action = 'WITHDRAW_DISPATCH' and cardinality(departments) = 1))`,
    );
    const names = DEPARTMENTS.map(([kind, suffix]) => `('${kind}', '${suffix}')`).join(', ');
    this.addSql(`alter table dispute_step disable trigger dispute_step_append_only`);
    this.addSql(
      `update dispute_step s set departments = array[k.kind]
         from (select distinct on (s2.id) s2.id, n.kind
                 from dispute_step s2 cross join (values ${names}) n(kind, suffix)
                where s2.action = 'WITHDRAW_DISPATCH' and s2.departments is null
                  and position(n.suffix in split_part(coalesce(s2.note, ''), ' — ', 1)) > 0
                order by s2.id, length(n.suffix) desc) k
        where s.id = k.id`,
    );
    this.addSql(`alter table dispute_step enable trigger dispute_step_append_only`);
  }
}
