import { Migration } from '@mikro-orm/migrations';

/**
 * Roll-ups under concurrent writes. A refresh recomputes a roll-up row from
 * the raw facts it can see, so two transactions writing in the same county at
 * once each missed the other's uncommitted rows, and the second to finish hit
 * the first's freshly inserted roll-up row (a unique violation: seen with
 * twelve disputes of one village reported at once). Each refresh now first
 * takes a per-county lock held to commit, and counts in a later statement,
 * whose snapshot includes whatever the previous holder committed. Counties
 * are locked in code order, so two writers never wait on each other in a cycle.
 */
const WRAPPED: [name: string, args: string, call: string][] = [
  ['refresh_village_rollup', 'vs text[]', 'vs'],
  ['refresh_village_days', 'vs text[]', 'vs'],
  ['refresh_day_pairs', 'vs text[], ds date[]', 'vs, ds'],
];

export class Migration20261121000010RollupLocks extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create function hub_lock_counties(vs text[]) returns void language plpgsql as $$
      declare c text;
      begin
        for c in select distinct left(v, 6) from unnest(vs) as v order by 1 loop
          perform pg_advisory_xact_lock(hashtext('hub.rollup'), hashtext(c));
        end loop;
      end $$`);
    for (const [name, args, call] of WRAPPED) {
      const types = args
        .split(', ')
        .map((a) => a.split(' ')[1])
        .join(', ');
      this.addSql(`alter function ${name}(${types}) rename to ${name}_unlocked`);
      this.addSql(`create function ${name}(${args}) returns void language sql security definer set search_path = public as $$
        select hub_lock_counties(vs);
        select ${name}_unlocked(${call});
      $$`);
    }
  }
}
