import { Migration } from '@mikro-orm/migrations';
import { appendOnly, jurisdictionPolicy } from '../../../../platform/rls.ts';

/**
 * Life cycle and history of registry records (docs/ARCHITECTURE.md, "Life
 * cycle and history").
 *
 * - A person is deregistered (注销: died, moved out, entered twice), not
 *   deleted: dispute parties and their history point at the record. The row
 *   keeps its id and ID number with `status` DEREGISTERED, when and why; it
 *   leaves its household and address, and current lists, searches and the
 *   population figures count ACTIVE people only.
 * - A household dissolved (销户), a house deregistered (拆除) or a 十户联防
 *   group disbanded leaves its table, as an ended grid staff assignment does:
 *   lists, roll-ups and statistics stay as they are. The row is kept whole in
 *   the append-only `registry_ended` with when, by whom and why.
 * - `person_history`: every change of a person's grid, household, address,
 *   tags or status, with its before and after, who and when, written by a
 *   trigger in the changing transaction, so forms, imports and household
 *   moves all leave their entry.
 * - The change feed names the fields each update changed, and an update that
 *   changed nothing but bookkeeping (version) writes no entry.
 */

/** The tables of the change feed (migration …09Changes), whose update triggers are redefined. */
export const TRACKED: { table: string; kind: string; version: boolean; status: boolean }[] = [
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

/** Columns that only keep books: an update that changes nothing else is no change. */
export const BOOKKEEPING_COLUMNS = ['version', 'updated_at'];

/** Who acts in the running transaction: the request's caller, else the import's, else the database role (migrations, operators). */
const WHO = `select coalesce(nullif(current_setting('hub.subject', true), ''), nullif(current_setting('hub.import_subject', true), ''), session_user::text) as subject,
                    coalesce(nullif(current_setting('hub.actor', true), ''), nullif(current_setting('hub.import_actor', true), '')) as name,
                    case when nullif(current_setting('hub.import_subject', true), '') is not null then 'IMPORT'
                         when nullif(current_setting('hub.subject', true), '') is not null then 'API'
                         else 'SYSTEM' end as via`;

/**
 * WHO as migration …73ChangeStoryAgrees has it: a change no caller or importer made, written by one of the hub's own
 * jobs (`hub.job`: the upkeep, the events of the other levels), is `system:<job>`, as the change feed names it; the
 * database role stays for a change written in the database by none of the hub's jobs (an operator, a migration).
 */
const WHO_JOBS = WHO.replace('session_user::text) as subject', `'system:' || nullif(current_setting('hub.job', true), ''), session_user::text) as subject`);

/**
 * The person history trigger's function (as this migration writes it; later
 * migrations reuse it): `note` is the entry's note on a change of status.
 * With `facts` (migration …49PersonFacts) it also keeps the name, 民族 and
 * residency before and after, and names changes of the ID number, phone,
 * gender and birth date (their values are personal and stay out of it).
 * With `relationship` (migration …69RelationshipToHead) it keeps the
 * relationship to the household's head (与户主关系) before and after.
 * With `jobs` (migration …73ChangeStoryAgrees) the hub's own jobs are named `system:<job>` (WHO_JOBS).
 */
export function personHistoryFunction(
  create: 'create' | 'create or replace',
  note = 'n.deregistration_note',
  facts = false,
  relationship = false,
  jobs = false,
): string {
  const relationshipColumns = relationship ? ', relationship_from, relationship_to' : '';
  const relationshipValues = relationship ? ', o.relationship_to_head, n.relationship_to_head' : '';
  const factColumns = (facts ? ', name_from, name_to, ethnicity_from, ethnicity_to, residency_from, residency_to' : '') + relationshipColumns;
  const factValues = (facts ? ', o.name, n.name, o.ethnicity, n.ethnicity, o.residency, n.residency' : '') + relationshipValues;
  const factChanges = facts
    ? `,
                       case when n.name <> o.name then 'name' end,
                       case when n.ethnicity is distinct from o.ethnicity then 'ethnicity' end,
                       case when n.residency is distinct from o.residency then 'residency' end,
                       case when n.id_number is distinct from o.id_number then 'idNumber' end,
                       case when n.phone is distinct from o.phone then 'phone' end,
                       case when n.gender is distinct from o.gender then 'gender' end,
                       case when n.birth_date is distinct from o.birth_date then 'birthDate' end${
                         relationship
                           ? `,
                       case when n.relationship_to_head is distinct from o.relationship_to_head then 'relationshipToHead' end`
                           : ''
                       }`
    : '';
  return `${create} function hub_person_history() returns trigger language plpgsql security definer set search_path = public as $$
        begin
          -- Demo seeding and province loads are not changes anyone made (as in the change feed).
          if coalesce(current_setting('hub.skip_changes', true), '') = 'on' then return null; end if;
          insert into person_history (person_id, by_subject, by_name, via, changed, grid_from, grid_to, household_from, household_to,
                                      address_from, address_to, tags_from, tags_to, status_from, status_to, reason, note,
                                      village_code, grid_code, county_code${factColumns})
          select n.id, w.subject, w.name, w.via, c.changed, o.grid_code, n.grid_code, o.household_id, n.household_id, o.address_id, n.address_id,
                 o.tags, n.tags, o.status, n.status,
                 case when n.status <> o.status then n.deregistration_reason end, case when n.status <> o.status then ${note} end,
                 n.village_code, n.grid_code, n.county_code${factValues}
            from new_rows n
            join old_rows o on o.id = n.id
            cross join lateral (
              select array_remove(array[
                       case when n.grid_code <> o.grid_code then 'gridCode' end,
                       case when n.household_id is distinct from o.household_id then 'householdId' end,
                       case when n.address_id is distinct from o.address_id then 'addressId' end,
                       -- tags are a set: the same tags in another order are no change
                       case when not (n.tags @> o.tags and o.tags @> n.tags) then 'tags' end,
                       case when n.status <> o.status then 'status' end${factChanges}], null) as changed) c
            cross join (${jobs ? WHO_JOBS : WHO}) w
           where c.changed <> '{}'
           order by n.id;
          return null;
        end $$`;
}

export class Migration20261201000023LifeCycle extends Migration {
  override async up(): Promise<void> {
    const sql = [
      // A person's status. Constant defaults: no table rewrite.
      `alter table person
         add column status text not null default 'ACTIVE' check (status in ('ACTIVE', 'DEREGISTERED')),
         add column deregistered_at timestamptz,
         add column deregistration_reason text check (deregistration_reason in ('DIED', 'MOVED_OUT', 'DUPLICATE')),
         add column deregistration_note text check (length(deregistration_note) between 1 and 500),
         add constraint person_deregistration check (
           (status = 'ACTIVE') = (deregistered_at is null) and (deregistered_at is null) = (deregistration_reason is null)
           and (status = 'ACTIVE' or (household_id is null and address_id is null)))`,
      // The searches above a village answer from this index alone (…21PersonSearch); current residents
      // only, so a search of them stays index-only, and a twin holds the few deregistered ones.
      `drop index person_county_name`,
      `create index person_county_name on person (county_code, name text_pattern_ops) include (grid_code, id) where status = 'ACTIVE'`,
      `create index person_county_name_deregistered on person (county_code, name text_pattern_ops) include (grid_code, id) where status = 'DEREGISTERED'`,
      `create index person_deregistered_village_id on person (village_code, id) where status = 'DEREGISTERED'`,
      // Population figures count current residents only (the rest of …06Rollups' function as it was).
      `create or replace function refresh_village_rollup_unlocked(vs text[]) returns void language sql security definer set search_path = public as $$
        delete from village_rollup where village_code = any(vs);
        insert into village_rollup
        select v.code, coalesce(p.n, 0), coalesce(p.f, 0), coalesce(h.n, 0), coalesce(o.n, 0), coalesce(a.n, 0), coalesce(t.tags, '{}'),
               coalesce(g.n, 0), coalesce(s.workers, 0), coalesce(s.fully, 0), coalesce(j.n, 0), coalesce(h.grouped, 0), coalesce(pt.n, 0), coalesce(pm.n, 0)
          from village v
          left join (select village_code, count(*) as n, count(*) filter (where residency = 'FLOATING') as f from person
                      where village_code = any(vs) and status = 'ACTIVE' group by 1) p on p.village_code = v.code
          left join (select village_code, count(*) as n, count(joint_defense_group_id) as grouped from household where village_code = any(vs) group by 1) h on h.village_code = v.code
          left join (select village_code, count(*) as n from house where village_code = any(vs) group by 1) o on o.village_code = v.code
          left join (select village_code, count(*) as n from address where village_code = any(vs) group by 1) a on a.village_code = v.code
          left join (select village_code, jsonb_object_agg(tag, n) as tags from (select village_code, tag, count(*) as n from person, unnest(tags) as tag
                       where village_code = any(vs) and tags <> '{}' and status = 'ACTIVE' group by 1, 2) x group by 1) t on t.village_code = v.code
          left join (select village_code, count(*) as n from grid where village_code = any(vs) group by 1) g on g.village_code = v.code
          left join (select village_code, sum(workers) as workers, count(*) filter (where fully) as fully from (
                       select village_code, grid_code, count(*) filter (where role = 'GRID_WORKER') as workers,
                              (bool_or(role = 'GRID_WORKER') and bool_or(role = 'LINKED_LEADER') and bool_or(role = 'LINKED_OFFICE_CADRE')
                               and bool_or(role = 'LINKED_POLITICAL_LEGAL_CADRE') and bool_or(role = 'INFORMANT')) as fully
                         from grid_staff where village_code = any(vs) group by 1, 2) y group by 1) s on s.village_code = v.code
          left join (select village_code, count(*) as n from joint_defense_group where village_code = any(vs) group by 1) j on j.village_code = v.code
          left join (select village_code, count(*) as n from patrol_team where village_code = any(vs) group by 1) pt on pt.village_code = v.code
          left join (select village_code, count(distinct person_id) as n from patrol_team_member where village_code = any(vs) group by 1) pm on pm.village_code = v.code
         where v.code = any(vs)
      $$`,
      // What ties a record to others, whatever the caller's jurisdiction: a refusal must see every tie (a
      // grid-level caller does not see the other grids of its village). Labels only, never personal data.
      `create function hub_record_ties(of_kind text, of_id integer) returns table (tie text, id integer, label text, division_code text)
        language sql stable security definer set search_path = public as $$
          select 'HOUSEHOLD_HEAD', h.id, h.number, h.grid_code from household h where $1 = 'person' and h.head_id = $2
          union all
          select 'GROUP_LEADER', g.id, g.name, g.grid_code from joint_defense_group g where $1 = 'person' and g.leader_id = $2
          union all
          select 'GRID_STAFF', s.id, s.role, s.grid_code from grid_staff s where $1 = 'person' and s.person_id = $2
          union all
          select 'MEDIATOR', m.id, c.name, c.village_code from mediator m join mediation_committee c on c.id = m.committee_id where $1 = 'person' and m.person_id = $2
          union all
          select 'MEMBER', p.id, p.id::text, p.grid_code from person p where $1 = 'household' and p.household_id = $2 and p.status = 'ACTIVE'
          union all
          select 'HOUSEHOLD', h.id, h.number, h.grid_code from household h where $1 = 'house' and h.house_id = $2
          union all
          select 'HOUSEHOLD', h.id, h.number, h.grid_code from household h where $1 = 'group' and h.joint_defense_group_id = $2
          order by 1, 2
        $$`,
      // Records taken out of the current registry, kept whole.
      `create table registry_ended (
        no bigint generated always as identity primary key,
        kind text not null check (kind in ('HOUSEHOLD', 'HOUSE', 'JOINT_DEFENSE_GROUP')),
        id integer not null,
        label text not null,
        record jsonb not null,
        village_code text not null,
        grid_code text not null,
        county_code text not null,
        version integer not null,
        ended_at timestamptz not null default now(),
        ended_by text not null,
        ended_by_name text,
        reason text not null check (reason in ('MOVED_OUT', 'MERGED', 'NO_MEMBERS', 'DEMOLISHED', 'REORGANISED', 'DUPLICATE')),
        note text check (length(note) between 1 and 500),
        unique (kind, id)
      )`,
      `create index registry_ended_village on registry_ended (village_code, no)`,
      ...jurisdictionPolicy('registry_ended', 'grid_code'),
      ...appendOnly('registry_ended'),
      // A person's history.
      `create table person_history (
        id bigint generated always as identity primary key,
        person_id integer not null,
        at timestamptz not null default now(),
        by_subject text not null,
        by_name text,
        via text not null check (via in ('API', 'IMPORT', 'SYSTEM')),
        changed text[] not null,
        grid_from text not null,
        grid_to text not null,
        household_from integer,
        household_to integer,
        address_from integer,
        address_to integer,
        tags_from text[] not null,
        tags_to text[] not null,
        status_from text not null,
        status_to text not null,
        reason text,
        note text,
        village_code text not null,
        grid_code text not null,
        county_code text not null
      )`,
      `create index person_history_person on person_history (person_id, at, id)`,
      ...jurisdictionPolicy('person_history', 'grid_code'),
      ...appendOnly('person_history'),
      // Entries are visible where the person was after the change (its grid then): a person's history is read where they live.
      personHistoryFunction('create'),
      `create trigger person_history after update on person referencing old table as old_rows new table as new_rows
         for each statement execute function hub_person_history()`,
      // The log and the history are written by the triggers (security definer) alone.
      `do $$ begin if exists (select 1 from pg_roles where rolname = 'hub_app') then
         revoke insert, update, delete, truncate on person_history from hub_app;
         revoke update, delete, truncate on registry_ended from hub_app; end if; end $$`,
      // The change feed's changed fields.
      `alter table change_log add column changed_fields text[]`,
    ];
    const skip = BOOKKEEPING_COLUMNS.map((c) => `'${c}'`).join(', ');
    for (const t of TRACKED) {
      const v = (r: string) => (t.version ? `${r}.version` : 'null::integer');
      const s = (r: string) => (t.status ? `${r}.status` : 'null::text');
      // The fields that differ, by column name; rows are compared whole first, so unchanged rows cost no more than before.
      sql.push(`create or replace function hub_changes_${t.table}_upd() returns trigger language plpgsql security definer set search_path = public as $$
        begin
          if coalesce(current_setting('hub.skip_changes', true), '') = 'on' then return null; end if;
          insert into change_log (kind, op, record_id, version, status_from, status_to, village_code, grid_code, changed_fields)
          select '${t.kind}', case when ${s('o')} is distinct from ${s('n')} then 'TRANSITION' else 'UPDATED' end, n.id::text, ${v('n')}, ${s('o')}, ${s('n')},
                 n.village_code, n.grid_code, c.fields
            from new_rows n
            join old_rows o on o.id = n.id and n is distinct from o
            cross join lateral (select to_jsonb(n) as nj, to_jsonb(o) as oj) j
            cross join lateral (
              select array_agg(e.key order by e.key) as fields
                from jsonb_each(j.nj) e
               where e.key not in (${skip}) and e.value is distinct from j.oj -> e.key) c
           where c.fields is not null
           order by n.id;
          if found then perform hub_change_tx(); end if;
          return null;
        end $$`);
    }
    for (const s of sql) this.addSql(s);
  }
}
