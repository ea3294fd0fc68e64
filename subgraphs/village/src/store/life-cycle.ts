import { z } from 'zod';
import { col, command, exec, row, rows, sql, type Db } from '../../../../platform/sql.ts';
import { Person, type PersonRow } from './person.ts';
import { instant, located } from './record.ts';
import { allOf, scopedList, type Scope, type ScopedList } from './scoped.ts';

/**
 * Ending registry records (migration …23LifeCycle; docs/ARCHITECTURE.md,
 * "Life cycle and history"). A person is deregistered in place (status
 * DEREGISTERED, out of their household, address and patrol teams); a
 * household, house, 十户联防 group, key site or standard address leaves its table for `registry_ended`,
 * kept whole with when, by whom and why.
 */

export const DEREGISTRATION_REASONS = ['DIED', 'MOVED_OUT', 'DUPLICATE'] as const;
export type DeregistrationReason = (typeof DEREGISTRATION_REASONS)[number];

export const END_REASONS = ['MOVED_OUT', 'MERGED', 'NO_MEMBERS', 'DEMOLISHED', 'REORGANISED', 'DUPLICATE', 'CLOSED', 'ENTERED_IN_ERROR'] as const;
export type EndReason = (typeof END_REASONS)[number];

/** The kinds of record that end by leaving their table, as the change feed names them. */
export const ENDED_KINDS = ['HOUSEHOLD', 'HOUSE', 'JOINT_DEFENSE_GROUP', 'SITE', 'ADDRESS'] as const;
export type EndedKind = (typeof ENDED_KINDS)[number];

/**
 * What ties a record to others (the database's `hub_record_ties`, which sees
 * past the caller's jurisdiction so that no tie is missed): for a person, the
 * households they head, the groups they lead, their grid staff assignments
 * and mediator posts; for a household, its current members; for a house or a
 * group, its households; for an address (…79SiteAddressEnd), the houses,
 * households, current residents and sites at it. `divisionCode` is where the
 * tie lies.
 */
const Tie = z.object({
  tie: z.enum(['HOUSEHOLD_HEAD', 'GROUP_LEADER', 'GRID_STAFF', 'MEDIATOR', 'MEMBER', 'HOUSEHOLD', 'HOUSE', 'RESIDENT', 'SITE']),
  id: col.id,
  label: col.text,
  divisionCode: col.text,
});
export type TieRow = z.infer<typeof Tie>;

const EndedRecord = z.object({
  no: col.id,
  kind: z.enum(ENDED_KINDS),
  id: col.id,
  label: col.text,
  ...located,
  version: col.id,
  endedAt: instant,
  endedBy: col.text,
  endedByName: col.text.nullable(),
  reason: z.enum(END_REASONS),
  note: col.text.nullable(),
});
export type EndedRecordRow = z.infer<typeof EndedRecord>;

const ties = sql('lifeCycle.ties', Tie, 'select tie, id, label, division_code from hub_record_ties(?, ?)');

const deregister = sql(
  'person.deregister',
  Person,
  `update person set status = 'DEREGISTERED', deregistered_at = now(), deregistration_reason = ?, deregistration_note = ?,
                     household_id = null, address_id = null, relationship_to_head = null, version = version + 1
    where id = ? and status = 'ACTIVE' returning *`,
);
// The note of a reinstatement goes to the person's history through the history trigger (…38Reinstate), which reads
// it from a transaction-local setting: the person's own note columns belong to the deregistration.
const reinstate = sql(
  'person.reinstate',
  Person,
  `update person set status = 'ACTIVE', deregistered_at = null, deregistration_reason = null, deregistration_note = null, version = version + 1
     from (select set_config('hub.status_note', coalesce(?::text, ''), true)) s
    where id = ? and status = 'DEREGISTERED' returning person.*`,
);
const endHeadship = command('household.endHeadship', 'update household set head_id = null, version = version + 1 where id = ? and head_id = ?');
const leaveTeams = command('patrolTeamMember.leaveAll', 'delete from patrol_team_member where person_id = ?');
const releaseHouseholds = command(
  'household.releaseFromGroup',
  'update household set joint_defense_group_id = null, version = version + 1 where joint_defense_group_id = ?',
);

const ENDED_COLUMNS = 'no, kind, id, label, village_code, grid_code, county_code, version, ended_at, ended_by, ended_by_name, reason, note';

// A record ends once (`registry_ended` is unique on kind and id); row-level security keeps another jurisdiction's out.
const endedOf = sql('lifeCycle.endedOf', EndedRecord, `select ${ENDED_COLUMNS} from registry_ended where kind = ? and id = ?`);

/** Moves the row of `table` with this id into `registry_ended` (its `label` column naming it there); the ended record. */
function endStatement(table: string, kind: EndedKind, label: string) {
  return sql(
    `${table}.end`,
    EndedRecord,
    `with gone as (delete from ${table} where id = ? returning *)
     insert into registry_ended (kind, id, label, record, village_code, grid_code, county_code, version, ended_by, ended_by_name, reason, note)
     select '${kind}', g.id, g.${label}, to_jsonb(g), g.village_code, g.grid_code, g.county_code, g.version, ?, ?, ?, ? from gone g
     returning ${ENDED_COLUMNS}`,
  );
}
const END = {
  HOUSEHOLD: endStatement('household', 'HOUSEHOLD', 'number'),
  HOUSE: endStatement('house', 'HOUSE', 'number'),
  JOINT_DEFENSE_GROUP: endStatement('joint_defense_group', 'JOINT_DEFENSE_GROUP', 'name'),
  SITE: endStatement('site', 'SITE', 'name'),
  ADDRESS: endStatement('address', 'ADDRESS', 'number'),
} as const satisfies Record<EndedKind, unknown>;

/** Who ends a record, and why. */
export interface Ending {
  by: string;
  byName: string | null;
  reason: EndReason;
  note: string | null;
}

export const lifeCycle = {
  /** What ties the person (`person`), household (`household`), house (`house`), group (`group`) or address (`address`) to other records. */
  ties: (db: Db, kind: 'person' | 'household' | 'house' | 'group' | 'address', id: number): Promise<TieRow[]> => rows(db, ties, [kind, id]),
  /** Deregisters an ACTIVE person: out of their household and address, version bumped; null when not ACTIVE. */
  deregister: (db: Db, id: number, reason: DeregistrationReason, note: string | null): Promise<PersonRow | null> => row(db, deregister, [reason, note, id]),
  /** Returns a DEREGISTERED person to the registry (status ACTIVE, version bumped), the note in their history; null when not DEREGISTERED. */
  reinstate: (db: Db, id: number, note: string | null): Promise<PersonRow | null> => row(db, reinstate, [note, id]),
  /** Ends the person's headship of the household (a sole member leaving it). */
  endHeadship: (db: Db, householdId: number, personId: number): Promise<number> => exec(db, endHeadship, [householdId, personId]),
  /** Takes the person out of every patrol team. */
  leaveTeams: (db: Db, personId: number): Promise<number> => exec(db, leaveTeams, [personId]),
  /** Takes every household out of the group (bumping their versions). */
  releaseHouseholds: (db: Db, groupId: number): Promise<number> => exec(db, releaseHouseholds, [groupId]),
  /**
   * 已注销记录: a division's ended households, houses, groups, sites and addresses, newest first, of one kind and ended in [from, to)
   * (instants), each if given.
   */
  endedList: (scope: Scope, kind: EndedKind | null | undefined, between: readonly [string, string] | null): ScopedList<EndedRecordRow> => {
    const where: string[] = [];
    const params: string[] = [];
    if (kind) {
      where.push('t.kind = ?');
      params.push(kind);
    }
    if (between) {
      where.push('t.ended_at >= ?::timestamptz and t.ended_at < ?::timestamptz');
      params.push(...between);
    }
    return {
      ...scopedList('lifeCycle.ended', 'registry_ended', EndedRecord, scope, allOf(where, params)),
      order: { column: 'no', time: 'ended_at', desc: true },
      cursor: 'registry_ended:newest',
    };
  },
  /** The household, house, group, site or address `id` as it ended, if it has. */
  endedOf: (db: Db, kind: EndedKind, id: number): Promise<EndedRecordRow | null> => row(db, endedOf, [kind, id]),
  /** Moves the record to `registry_ended`; the ended record. */
  end: async (db: Db, kind: EndedKind, id: number, e: Ending): Promise<EndedRecordRow> => (await row(db, END[kind], [id, e.by, e.byName, e.reason, e.note]))!,
};
