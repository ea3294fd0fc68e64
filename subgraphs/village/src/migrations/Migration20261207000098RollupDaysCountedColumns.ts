import { Migration } from '@mikro-orm/migrations';

/**
 * An update of patrols, hazards and disputes refreshes a village's day rows only when it changed what the figures
 * kept by the `days` version read, as …96RollupCountedColumns and …97RollupForcesCountedColumns do for `counts`. Those
 * figures are the day roll-up (refresh_day_pairs_unlocked, …08DayPairs as …52DeclinedCases and …56MissedDeadline left
 * it), the hazards by source and status of a division or grid (store/stats.ts `hazards`, counted from the hazards) and
 * the dispute cases' overdue, re-handled, declined and contact-late counts (store/stats.ts `disputeCases`, over the
 * deadlines of disputes/sql.ts). Of these tables they read only the columns below: a patrol's route or team, a hazard's
 * kind, description or deadline, a dispute's summary, category, assignee, supervision or its parties' change time
 * refresh nothing and move no version. Rows that do change one refresh the (village, day) pairs they were in and are
 * in, exactly as before.
 *
 * Rows are paired by their `id`, which no update changes. `pairs` are a row's (village, day) pairs, over alias `r`;
 * a null day (a hazard not rectified) is no pair.
 */
const COUNTED: Readonly<Record<string, { columns: readonly string[]; pairs: readonly string[] }>> = {
  patrol: { columns: ['village_code', 'started_at', 'ended_at'], pairs: ['hub_day(r.started_at)'] },
  hazard: {
    columns: ['village_code', 'grid_code', 'source', 'status', 'reported_at', 'rectified_at'],
    pairs: ['hub_day(r.reported_at)', 'hub_day(r.rectified_at)'],
  },
  dispute: {
    columns: [
      'village_code',
      'reported_at',
      'status',
      'resolved_level',
      'resolved_at',
      'escalated_to_township_at',
      'escalated_to_county_at',
      'accepted_at',
      'contact_by',
      'settle_by',
      'reply_by',
      'missed_deadline',
      'rating',
      'rehandled',
    ],
    pairs: ['hub_day(r.reported_at)'],
  },
};

/** The (village, day) pairs of the rows whose counted columns a statement's update changed, before and after. */
function changedPairs(columns: readonly string[], pairs: readonly string[]): string {
  const of = (alias: string) => columns.map((c) => `${alias}.${c}`).join(', ');
  const values = ['o', 'n'].flatMap((a) => pairs.map((p) => `(${a}.village_code, ${p.replaceAll('r.', `${a}.`)})`)).join(', ');
  return `select v, d from old_rows o join new_rows n on n.id = o.id cross join lateral (values ${values}) x(v, d)
           where (${of('o')}) is distinct from (${of('n')}) and d is not null group by v, d order by v, d`;
}

export class Migration20261207000098RollupDaysCountedColumns extends Migration {
  override async up(): Promise<void> {
    for (const [table, { columns, pairs }] of Object.entries(COUNTED)) {
      this.addSql(`create function hub_${table}_day_pairs_on_update() returns trigger language plpgsql as $$
          declare vs text[]; ds date[];
          begin
            if coalesce(current_setting('hub.skip_rollup', true), '') = 'on' then return null; end if;
            select array_agg(p.v), array_agg(p.d) into vs, ds from (${changedPairs(columns, pairs)}) p;
            if vs is not null then perform refresh_day_pairs(vs, ds); end if;
            return null;
          end $$`);
      this.addSql(`drop trigger ${table}_rollup_upd on ${table}`);
      this.addSql(
        `create trigger ${table}_rollup_upd after update on ${table} referencing old table as old_rows new table as new_rows for each statement execute function hub_${table}_day_pairs_on_update()`,
      );
      this.addSql(`drop function ${table}_day_pairs_on_update()`);
    }
  }
}
