import { z } from 'zod';
import { col, row, rows as allRows, sql, type Db } from '../../../../platform/sql.ts';
import { GIVEN, KEYS, recordRules, rowWriter, stagedRows, taken, targetOf, type RowKind, type RowRule } from './forces-rules.ts';
import { recordTable } from './record.ts';

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
  version: col.id,
  externalId: col.text.nullable(),
  endedAt: col.instant.nullable().optional(),
  endedBy: col.text.nullable().optional(),
  endReason: col.text.nullable().optional(),
});
export type MediationCommitteeRow = z.infer<typeof MediationCommittee>;

const table = recordTable<MediationCommitteeRow, Record<never, never>>('mediation_committee', MediationCommittee, {});

/** The staged row (an import's stage, a mutation's parameters), after the keys. */
export const COMMITTEE_STAGE = [...KEYS, ['village_code', 'text'], ['name', 'text'], ['kind', 'text'], GIVEN] as const;

const COLUMNS = ['village_code', 'name', 'kind', 'external_id'];
/** The village's own committee: a villagers' or residents' committee sets up one (人民调解法 §8). */
const OWN = `('VILLAGE', 'COMMUNITY')`;

/** Each staged row as it would be written (see forces-rules.ts). */
const rows = (src: string) => `
  ${stagedRows(src, 'mediation_committee', 'e.village_code = s0.village_code')},
  n0 as materialized (
    select s.line, s.id as id_given, s.version, t.id as target, t.version as current_version, t.village_code as was_village,
           ${COLUMNS.map((c) => `${taken(c)} as ${c}`).join(', ')}, ${COLUMNS.map((c) => `t.${c} as was_${c}`).join(', ')}
      from s1 s
      ${targetOf('mediation_committee')}),
  n as materialized (
    select n0.*, (${COLUMNS.map((c) => `n0.${c}`).join(', ')}) is distinct from (${COLUMNS.map((c) => `n0.was_${c}`).join(', ')}) as changed from n0)`;

export const COMMITTEE_RULES: readonly RowRule[] = [
  ...recordRules({ zh: '人民调解委员会', en: 'mediation committee' }),
  { field: 'name', code: 'BAD_USER_INPUT', reason: { zh: '为必填项', en: 'is required' }, bad: 'x.name is null' },
  { field: 'kind', code: 'BAD_USER_INPUT', reason: { zh: '为必填项', en: 'is required' }, bad: 'x.kind is null' },
  {
    field: 'village_code',
    code: 'BAD_USER_INPUT',
    reason: { zh: '不是该委员会所属的村（社区）：委员会不能迁往别的村（社区）', en: "is not the committee's village: a committee stays in its village" },
    bad: 'x.target is not null and x.village_code <> x.was_village',
  },
  {
    field: 'kind',
    code: 'BAD_USER_INPUT',
    reason: {
      zh: 'VILLAGE（村调委会）只设在村（代码末三位 200 及以上），COMMUNITY（社区调委会）只设在社区（001–199）',
      en: 'VILLAGE (村调委会) is for a 村 (code segment 200 and above), COMMUNITY (社区调委会) for a 社区 (segment 001–199)',
    },
    bad: `(x.kind = 'COMMUNITY' and right(x.village_code, 3) >= '200') or (x.kind = 'VILLAGE' and right(x.village_code, 3) < '200')`,
  },
  {
    field: 'external_id',
    code: 'CONFLICT',
    reason: { zh: '已被本村（社区）另一个人民调解委员会使用', en: 'is already used by another mediation committee of this village' },
    bad: `x.external_id is not null and (
            exists (select 1 from mediation_committee k where k.village_code = x.village_code and k.external_id = x.external_id and k.id is distinct from x.target)
            or exists (select 1 from n o where o.village_code = x.village_code and o.external_id = x.external_id and o.line < x.line))`,
  },
  {
    field: 'kind',
    code: 'CONFLICT',
    reason: {
      zh: '该村（社区）已有村（居）民委员会设立的人民调解委员会，每个村（社区）只设一个',
      en: "the village already has its villagers' or residents' committee's mediation committee, and has one",
    },
    bad: `x.kind in ${OWN} and (
            exists (select 1 from mediation_committee c where c.village_code = x.village_code and c.kind in ${OWN} and c.id is distinct from x.target)
            or exists (select 1 from n o where o.village_code = x.village_code and o.kind in ${OWN} and o.line < x.line))`,
  },
];

const write = (src: string) => `
  with ${rows(src)},
  upd as (
    update mediation_committee t set name = x.name, kind = x.kind, external_id = x.external_id, version = t.version + 1
      from n x where t.id = x.target and x.changed and (x.version is null or t.version = x.version)
    returning t.id, false as inserted),
  ins as (
    insert into mediation_committee (name, kind, village_code, county_code, external_id)
    select x.name, x.kind, x.village_code, left(x.village_code, 6), x.external_id from n x where x.target is null and x.id_given is null order by x.line
    returning id, true as inserted)
  select id, inserted from upd union all select id, inserted from ins`;

/** Committees as a kind of the one write path (forces-rules.ts). */
export const COMMITTEE_KIND: RowKind = { name: 'mediationCommittee', stage: COMMITTEE_STAGE, rows, rules: COMMITTEE_RULES, write };

const ofVillages = sql('mediationCommittee.ofVillages', MediationCommittee, 'select * from mediation_committee where village_code in (?) order by id');
const ownOf = sql('mediationCommittee.ownOf', MediationCommittee, `select * from mediation_committee where village_code = ? and kind in ${OWN}`);
const end = sql(
  'mediationCommittee.end',
  MediationCommittee,
  `with gone as (delete from mediation_committee where id = ? returning *)
   insert into mediation_committee_ended (id, name, kind, village_code, county_code, version, external_id, ended_by, end_reason)
   select id, name, kind, village_code, county_code, version + 1, external_id, ?, ? from gone
   returning *`,
);

export const mediationCommittees = {
  ...table,
  ...rowWriter(COMMITTEE_KIND),
  /** Committees of each village, by village code. */
  ofVillages: (db: Db, villageCodes: readonly string[]): Promise<MediationCommitteeRow[]> => allRows(db, ofVillages, [villageCodes]),
  /** The village's own (village or community) committee, if it has one. */
  ownOf: (db: Db, villageCode: string): Promise<MediationCommitteeRow | null> => row(db, ownOf, [villageCode]),
  /** Ends a committee (its mediators first, see mediators.endOfCommittee); the ended row. */
  end: async (db: Db, id: number, by: string, reason: string | null): Promise<MediationCommitteeRow> => (await row(db, end, [id, by, reason]))!,
};
