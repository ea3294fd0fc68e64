import { endedRefCheck } from './registry-kinds.ts';
import { z } from 'zod';
import { col, row, rows as allRows, sql, type Db } from '../../../../platform/sql.ts';
import {
  alreadyMediator,
  committeeUnknown,
  mediatorExternalTaken,
  mediatorResidentElsewhere,
  mediatorStaysInVillage,
  nameNeeded,
  needed,
  personDeregistered,
  personMismatch,
  personUnknown,
  referenceEnded,
  recordUnknown,
  repeated,
  staleVersion,
  WHAT,
} from '../registry/rules.ts';
import {
  changedSql,
  endRecords,
  endedAgain,
  endedOf,
  externalKeyed,
  externalTakenCheck,
  KEYED_STAGE,
  LINKED_PERSON_COLUMNS,
  LINKED_PERSON_JOIN,
  LINKED_PERSON_STAGE,
  keyedRecordChecks,
  linkedNameSql,
  namingTheLink,
  PERSON_JOINS,
  personChecks,
  personColumns,
  rowWriter,
  takenSql,
  targetOf,
  versionCheck,
  type RowCheck,
  type RowKind,
  type StageColumn,
  earlierLineShares,
} from './row-kinds.ts';
import { recordTable, ENDABLE } from './record.ts';

/**
 * Mediators (人民调解员) of a committee, table `mediator` (migrations
 * …02Registry, …22Forces); an ended one moves to `mediator_ended`.
 */
const Mediator = z.object({
  id: col.id,
  committeeId: col.id,
  name: col.text,
  fullTime: z.boolean(),
  phone: col.text.nullable(),
  personId: col.id.nullable(),
  villageCode: col.text,
  ...ENDABLE,
});
export type MediatorRow = z.infer<typeof Mediator>;

const table = recordTable<MediatorRow, Record<never, never>>('mediator', Mediator, {});

/** The staged row, after the keys: the committee, name, full or part time, phone, and the resident (`person` in `given`; registry/fields.ts mediatorFields). */
export const MEDIATOR_STAGE: readonly StageColumn[] = [
  ...KEYED_STAGE,
  ['committee_id', 'integer'],
  ['name', 'text'],
  ['full_time', 'boolean'],
  ...LINKED_PERSON_STAGE,
];
const FLAGS = ['external_id', 'committee_id', 'name', 'full_time', 'phone', 'person'];
const taken = (column: string) => takenSql(FLAGS, column);

const COLUMNS = ['committee_id', 'name', 'full_time', 'phone', 'person_id', 'external_id'];

/** Each staged row as it would be written (row-kinds.ts); a mediator's village is its committee's. */
const rows = (src: string) => `
  ${externalKeyed(src, 'mediator', 'e.committee_id = s0.committee_id')},
  n0 as materialized (
    select s.line, s.id as id_given, s.version, t.id as target, t.version as current_version, t.village_code as was_village,
           ${taken('committee_id')} as committee_id, ${linkedNameSql(FLAGS)} as name_given, coalesce(${taken('full_time')}, false) as full_time,
           ${taken('phone')} as phone, ${taken('external_id')} as external_id,
           ${personColumns(FLAGS)},
           ${COLUMNS.map((c) => `t.${c} as was_${c}`).join(', ')}
      from s1 s
      ${targetOf('mediator')}
      ${PERSON_JOINS}),
  n as materialized (
    select n0.*, coalesce(n0.name_given, p.name) as name, ${LINKED_PERSON_COLUMNS}, c.village_code as committee_village, c.kind as committee_kind,
           ${changedSql('n0', COLUMNS, { name: 'coalesce(n0.name_given, p.name)' })} as changed
      from n0
      ${LINKED_PERSON_JOIN}
      left join lateral (select q.village_code, q.kind from mediation_committee q where q.id = n0.committee_id offset 0) c on true)`;

/** The checks of a mediator, in the order they run (docs/ARCHITECTURE.md, "Maintaining the forces"). */
const CHECKS: readonly RowCheck[] = namingTheLink([
  ...keyedRecordChecks(recordUnknown(WHAT.mediator), repeated),
  versionCheck(staleVersion),
  { rule: needed('committee_id'), bad: 'x.committee_id is null' },
  endedRefCheck(referenceEnded('committee_id', WHAT.committee), 'x.committee_village is null', 'mediation_committee', 'x.committee_id'),
  { rule: committeeUnknown, bad: 'x.committee_village is null' },
  { rule: mediatorStaysInVillage, bad: 'x.target is not null and x.committee_village <> x.was_village' },
  ...personChecks({
    unknownById: personUnknown('person_id'),
    unknownByIdNumber: personUnknown('id_number'),
    mismatch: personMismatch,
    deregistered: personDeregistered,
  }),
  {
    rule: mediatorResidentElsewhere,
    bad: `x.person_id is not null and x.committee_kind in ('VILLAGE', 'COMMUNITY') and x.person_village <> x.committee_village`,
  },
  { rule: nameNeeded, bad: 'x.name is null' },
  externalTakenCheck(mediatorExternalTaken, 'mediator', 'committee_id', 'committee_id'),
  {
    rule: alreadyMediator,
    bad: `x.person_id is not null and (
            exists (select 1 from mediator m where m.committee_id = x.committee_id and m.person_id = x.person_id and m.id is distinct from x.target)
            or ${earlierLineShares(['committee_id', 'person_id'])})`,
  },
]);

const write = `
  upd as (
    update mediator t set committee_id = x.committee_id, name = x.name, full_time = x.full_time, phone = x.phone, person_id = x.person_id,
                          external_id = x.external_id, version = t.version + 1
      from n x where t.id = x.target and x.changed and (x.version is null or t.version = x.version)
    returning t.id, false as inserted),
  ins as (
    insert into mediator (committee_id, name, full_time, phone, person_id, village_code, external_id)
    select x.committee_id, x.name, x.full_time, x.phone, x.person_id, x.committee_village, x.external_id
      from n x where x.target is null and x.id_given is null order by x.line
    returning id, true as inserted)
  select id, inserted from upd union all select id, inserted from ins`;

/** Mediators as a kind of the one write path (row-kinds.ts). */
export const MEDIATOR_KIND: RowKind = { name: 'mediator', stage: MEDIATOR_STAGE, flags: FLAGS, rows, checks: CHECKS, write };
export const MEDIATOR_WRITER = rowWriter(MEDIATOR_KIND);

const SHOWN = 'id, committee_id, name, full_time, phone, person_id, village_code, version, external_id';
const currentOrEnded = sql(
  'mediator.currentOrEnded',
  Mediator,
  `select ${SHOWN}, null::timestamptz as ended_at, null::text as ended_by, null::text as end_reason from mediator where id in (?)
   union all
   select ${SHOWN}, ended_at, ended_by, end_reason from mediator_ended where id in (?)`,
);
const ofCommittees = sql('mediator.ofCommittees', Mediator, 'select * from mediator where committee_id in (?) order by id');
const ENDED = ['id', 'committee_id', 'name', 'full_time', 'phone', 'person_id', 'village_code', 'external_id'];
const end = endRecords('mediator.end', 'mediator', Mediator, ENDED, 'id = ?');
const endOfCommittee = endRecords('mediator.endOfCommittee', 'mediator', Mediator, ENDED, 'committee_id = ?');

export const mediators = {
  ...table,
  /** The mediators of these ids, serving or not (those the caller's jurisdiction holds): a case names whoever handled it. */
  currentOrEnded: (db: Db, ids: readonly number[]): Promise<MediatorRow[]> => allRows(db, currentOrEnded, [ids, ids]),
  /** Mediators of each committee, by committee id. */
  ofCommittees: (db: Db, committeeIds: readonly number[]): Promise<MediatorRow[]> => allRows(db, ofCommittees, [committeeIds]),
  /** Ends a mediator's service: they leave `mediator` for `mediator_ended`; the ended row. */
  /** The record as the same end, sent again from `version` by `by`, left it (row-kinds.ts `endedAgain`). */
  endedAgain: endedAgain<MediatorRow>('mediator.endedAgain', 'mediator', Mediator),
  /** The mediator's service as it ended, if it has (row-kinds.ts `endedOf`). */
  endedOf: endedOf<MediatorRow>('mediator.endedOf', 'mediator', Mediator),
  end: async (db: Db, id: number, by: string, reason: string | null): Promise<MediatorRow> => (await row(db, end, [id, by, reason]))!,
  /** Ends the service of every mediator of a committee (the committee is ending); how many. */
  endOfCommittee: async (db: Db, committeeId: number, by: string, reason: string | null): Promise<number> =>
    (await allRows(db, endOfCommittee, [committeeId, by, reason])).length,
};
