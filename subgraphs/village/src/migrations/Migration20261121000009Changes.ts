import { Migration } from '@mikro-orm/migrations';
import { jurisdictionPolicy } from '../../../../platform/rls.ts';

/**
 * The change feed (docs/ARCHITECTURE.md, "Events"): every insert, update,
 * delete and status transition of the registry and of disputes, written by
 * triggers in the changing transaction, so a change is in the log exactly
 * when it is committed.
 *
 * Order is commit order. Identity ids are handed out when rows are written,
 * not when transactions commit, so a reader paging by id could pass an id
 * whose transaction commits later and miss it. Instead each writing
 * transaction gets a sequence number at commit time: a deferred trigger
 * takes one advisory lock, which is released only after the commit is
 * visible, and draws the number under it. A transaction that draws a later
 * number therefore commits after every earlier one is visible, and a reader
 * that has seen number n can never later find a committed n-1.
 *
 * Changes applied from township and county events are changes of this
 * database too, so the feed carries every level's steps of a case.
 */
const TRACKED: { table: string; kind: string; version: boolean; status: boolean }[] = [
  { table: 'person', kind: 'RESIDENT', version: true, status: false },
  { table: 'household', kind: 'HOUSEHOLD', version: true, status: false },
  { table: 'house', kind: 'HOUSE', version: true, status: false },
  { table: 'address', kind: 'ADDRESS', version: true, status: false },
  { table: 'site', kind: 'SITE', version: true, status: false },
  { table: 'joint_defense_group', kind: 'JOINT_DEFENSE_GROUP', version: true, status: false },
  { table: 'patrol_team', kind: 'PATROL_TEAM', version: true, status: false },
  { table: 'patrol', kind: 'PATROL', version: false, status: false },
  { table: 'hazard', kind: 'HAZARD', version: true, status: true },
  { table: 'dispute', kind: 'DISPUTE', version: true, status: true },
];

export const CHANGE_LOCK = 7_202_611_210; // advisory-lock key of the commit sequencer

export class Migration20261121000009Changes extends Migration {
  override async up(): Promise<void> {
    const sql = [
      `create table change_log (
        id bigint generated always as identity primary key,
        txid xid8 not null default pg_current_xact_id(),
        kind text not null,
        op text not null check (op in ('CREATED', 'UPDATED', 'DELETED', 'TRANSITION')),
        record_id text not null,
        version integer,
        status_from text,
        status_to text,
        village_code text not null,
        grid_code text not null,
        at timestamptz not null default now()
      )`,
      `create index change_log_txid on change_log (txid, id)`,
      `create table change_tx (
        txid xid8 primary key,
        seq bigint unique
      )`,
      `create sequence change_seq`,
      ...jurisdictionPolicy('change_log', 'grid_code'),
      `create function hub_change_tx() returns void language sql security definer set search_path = public as $$
        insert into change_tx (txid) values (pg_current_xact_id()) on conflict do nothing
      $$`,
      `create function hub_change_stamp() returns trigger language plpgsql security definer set search_path = public as $$
        begin
          perform pg_advisory_xact_lock(${CHANGE_LOCK});
          update change_tx set seq = nextval('change_seq') where txid = new.txid;
          return null;
        end $$`,
      `create constraint trigger change_tx_stamp after insert on change_tx deferrable initially deferred for each row execute function hub_change_stamp()`,
      // The log is written by the triggers (security definer) alone.
      `do $$ begin if exists (select 1 from pg_roles where rolname = 'hub_app') then
         revoke insert, update, delete, truncate on change_log, change_tx from hub_app; end if; end $$`,
    ];
    for (const t of TRACKED) {
      const v = (r: string) => (t.version ? `${r}.version` : 'null::integer');
      const s = (r: string) => (t.status ? `${r}.status` : 'null::text');
      const body = {
        ins: `select '${t.kind}', 'CREATED', n.id::text, ${v('n')}, null, ${s('n')}, n.village_code, n.grid_code from new_rows n order by n.id`,
        upd: `select '${t.kind}', case when ${s('o')} is distinct from ${s('n')} then 'TRANSITION' else 'UPDATED' end, n.id::text, ${v('n')}, ${s('o')}, ${s('n')},
                     n.village_code, n.grid_code
                from new_rows n join old_rows o on o.id = n.id where n is distinct from o order by n.id`,
        del: `select '${t.kind}', 'DELETED', o.id::text, ${v('o')}, ${s('o')}, null, o.village_code, o.grid_code from old_rows o order by o.id`,
      };
      for (const [op, select] of Object.entries(body)) {
        sql.push(`create function hub_changes_${t.table}_${op}() returns trigger language plpgsql security definer set search_path = public as $$
          begin
            -- Demo seeding and province loads are not changes an integration should replay.
            if coalesce(current_setting('hub.skip_changes', true), '') = 'on' then return null; end if;
            insert into change_log (kind, op, record_id, version, status_from, status_to, village_code, grid_code) ${select};
            if found then perform hub_change_tx(); end if;
            return null;
          end $$`);
      }
      const ref = { ins: 'new table as new_rows', upd: 'old table as old_rows new table as new_rows', del: 'old table as old_rows' };
      const ev = { ins: 'insert', upd: 'update', del: 'delete' };
      for (const op of ['ins', 'upd', 'del'] as const) {
        sql.push(
          `create trigger ${t.table}_changes_${op} after ${ev[op]} on ${t.table} referencing ${ref[op]} for each statement execute function hub_changes_${t.table}_${op}()`,
        );
      }
    }
    for (const s of sql) this.addSql(s);
  }
}
