import { z } from 'zod';
import { col, row, rows as allRows, sql, type Db } from '../../../../platform/sql.ts';
import {
  committeeHolder,
  committeeKindOfVillage,
  committeeStaysInVillage,
  committeeExternalTaken,
  needed,
  ownCommitteeTaken,
  recordUnknown,
  repeated,
  staleVersion,
  WHAT,
} from '../registry/rules.ts';
import {
  holderReason,
  changedSql,
  endRecords,
  endedAgain,
  endedOf,
  externalKeyed,
  externalTakenCheck,
  KEYED_STAGE,
  keyedRecordChecks,
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

export const COMMITTEE_KINDS = ['VILLAGE', 'COMMUNITY', 'ENTERPRISE', 'TRADE'] as const;

/**
 * People's mediation committees (人民调解委员会), table `mediation_committee`
 * (migrations …02Registry, …22Forces); an ended committee moves to
 * `mediation_committee_ended`, its mediators to `mediator_ended`.
 */
const MediationCommittee = z.object({
  id: col.id,
  name: col.text,
  kind: z.enum(COMMITTEE_KINDS),
  villageCode: col.text,
  countyCode: col.text,
  ...ENDABLE,
});
export type MediationCommitteeRow = z.infer<typeof MediationCommittee>;

const table = recordTable<MediationCommitteeRow, Record<never, never>>('mediation_committee', MediationCommittee, {});

/** The staged row (an import's stage, a mutation's parameters), after the keys (registry/fields.ts committeeFields). */
export const COMMITTEE_STAGE: readonly StageColumn[] = [...KEYED_STAGE, ['village_code', 'text'], ['name', 'text'], ['kind', 'text'], ['given', 'integer']];
const FLAGS = ['external_id', 'village_code', 'name', 'kind'];

const COLUMNS = ['village_code', 'name', 'kind', 'external_id'];
/** The village's own committee: a villagers' or residents' committee sets up one (人民调解法 §8). */
const OWN = `('VILLAGE', 'COMMUNITY')`;

/** Each staged row as it would be written (row-kinds.ts). */
const rows = (src: string) => `
  ${externalKeyed(src, 'mediation_committee', 'e.village_code = s0.village_code')},
  n0 as materialized (
    select s.line, s.id as id_given, s.version, t.id as target, t.version as current_version, t.village_code as was_village,
           ${COLUMNS.map((c) => `${takenSql(FLAGS, c)} as ${c}`).join(', ')}, ${COLUMNS.map((c) => `t.${c} as was_${c}`).join(', ')}
      from s1 s
      ${targetOf('mediation_committee')}),
  n as materialized (
    select n0.*, ${changedSql('n0', COLUMNS)} as changed from n0)`;

/** The checks of a committee, in the order they run (docs/ARCHITECTURE.md, "Maintaining the forces"). */
const CHECKS: readonly RowCheck[] = [
  ...keyedRecordChecks(recordUnknown(WHAT.committee), repeated),
  versionCheck(staleVersion),
  { rule: needed('name'), bad: 'x.name is null' },
  { rule: needed('kind'), bad: 'x.kind is null' },
  { rule: committeeStaysInVillage, bad: 'x.target is not null and x.village_code <> x.was_village' },
  {
    rule: committeeKindOfVillage,
    bad: `(x.kind = 'COMMUNITY' and right(x.village_code, 3) >= '200') or (x.kind = 'VILLAGE' and right(x.village_code, 3) < '200')`,
  },
  externalTakenCheck(committeeExternalTaken, 'mediation_committee', 'village_code', 'village_code'),
  {
    rule: ownCommitteeTaken,
    bad: `x.kind in ${OWN} and (
            exists (select 1 from mediation_committee c where c.village_code = x.village_code and c.kind in ${OWN} and c.id is distinct from x.target)
            or ${earlierLineShares(['village_code'], `o.kind in ${OWN}`)})`,
    // A file's line names the village's committee as the form does.
    reason: holderReason(
      ownCommitteeTaken,
      committeeHolder,
      `from mediation_committee w where w.village_code = x.village_code and w.kind in ${OWN} and w.id is distinct from x.target`,
    ),
  },
];

const write = `
  upd as (
    update mediation_committee t set name = x.name, kind = x.kind, external_id = x.external_id, version = t.version + 1
      from n x where t.id = x.target and x.changed and (x.version is null or t.version = x.version)
    returning t.id, false as inserted),
  ins as (
    insert into mediation_committee (name, kind, village_code, county_code, external_id)
    select x.name, x.kind, x.village_code, left(x.village_code, 6), x.external_id from n x where x.target is null and x.id_given is null order by x.line
    returning id, true as inserted)
  select id, inserted from upd union all select id, inserted from ins`;

/** Committees as a kind of the one write path (row-kinds.ts). */
export const COMMITTEE_KIND: RowKind = { name: 'mediationCommittee', stage: COMMITTEE_STAGE, flags: FLAGS, rows, checks: CHECKS, write };
export const COMMITTEE_WRITER = rowWriter(COMMITTEE_KIND);

const ofVillages = sql('mediationCommittee.ofVillages', MediationCommittee, 'select * from mediation_committee where village_code in (?) order by id');
const ownOf = sql('mediationCommittee.ownOf', MediationCommittee, `select * from mediation_committee where village_code = ? and kind in ${OWN}`);
const end = endRecords(
  'mediationCommittee.end',
  'mediation_committee',
  MediationCommittee,
  ['id', 'name', 'kind', 'village_code', 'county_code', 'external_id'],
  'id = ?',
);

export const mediationCommittees = {
  ...table,
  /** Committees of each village, by village code. */
  ofVillages: (db: Db, villageCodes: readonly string[]): Promise<MediationCommitteeRow[]> => allRows(db, ofVillages, [villageCodes]),
  /** The village's own (village or community) committee, if it has one. */
  ownOf: (db: Db, villageCode: string): Promise<MediationCommitteeRow | null> => row(db, ownOf, [villageCode]),
  /** Ends a committee (its mediators first, see mediators.endOfCommittee); the ended row. */
  /** The record as the same end, sent again from `version` by `by`, left it (row-kinds.ts `endedAgain`). */
  endedAgain: endedAgain<MediationCommitteeRow>('mediationCommittee.endedAgain', 'mediation_committee', MediationCommittee),
  /** The committee as it ended, if it has (row-kinds.ts `endedOf`). */
  endedOf: endedOf<MediationCommitteeRow>('mediationCommittee.endedOf', 'mediation_committee', MediationCommittee),
  end: async (db: Db, id: number, by: string, reason: string | null): Promise<MediationCommitteeRow> => (await row(db, end, [id, by, reason]))!,
};
