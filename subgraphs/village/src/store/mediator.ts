import { z } from 'zod';
import { col, exec, row, rows as allRows, sql, command, type Db } from '../../../../platform/sql.ts';
import {
  GIVEN,
  KEYS,
  PERSON_COLUMNS,
  PERSON_JOINS,
  PERSON_RULES,
  recordRules,
  rowWriter,
  stagedRows,
  taken,
  targetOf,
  type RowKind,
  type RowRule,
} from './forces-rules.ts';
import { recordTable } from './record.ts';

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
  version: col.id,
  externalId: col.text.nullable(),
  endedAt: col.instant.nullable().optional(),
  endedBy: col.text.nullable().optional(),
  endReason: col.text.nullable().optional(),
});
export type MediatorRow = z.infer<typeof Mediator>;

const table = recordTable<MediatorRow, Record<never, never>>('mediator', Mediator, {});

/** The staged row, after the keys: the committee, name, full or part time, phone, and the resident (`person` in `given`). */
export const MEDIATOR_STAGE = [
  ...KEYS,
  ['committee_id', 'integer'],
  ['name', 'text'],
  ['full_time', 'boolean'],
  ['phone', 'text'],
  ['person_id', 'integer'],
  ['id_number', 'text'],
  GIVEN,
] as const;

const COLUMNS = ['committee_id', 'name', 'full_time', 'phone', 'person_id', 'external_id'];

/** Each staged row as it would be written (see forces-rules.ts); a mediator's village is its committee's. */
const rows = (src: string) => `
  ${stagedRows(src, 'mediator', 'e.committee_id = s0.committee_id')},
  n0 as materialized (
    select s.line, s.id as id_given, s.version, t.id as target, t.version as current_version, t.village_code as was_village,
           ${taken('committee_id')} as committee_id, ${taken('name')} as name_given, coalesce(${taken('full_time')}, false) as full_time,
           ${taken('phone')} as phone, ${taken('external_id')} as external_id,
           ${PERSON_COLUMNS},
           ${COLUMNS.map((c) => `t.${c} as was_${c}`).join(', ')}
      from s1 s
      ${targetOf('mediator')}
      ${PERSON_JOINS}),
  n as materialized (
    select n0.*, coalesce(n0.name_given, p.name) as name, p.village_code as person_village, c.village_code as committee_village, c.kind as committee_kind,
           (n0.committee_id, coalesce(n0.name_given, p.name), n0.full_time, n0.phone, n0.person_id, n0.external_id)
             is distinct from (${COLUMNS.map((c) => `n0.was_${c}`).join(', ')}) as changed
      from n0
      left join lateral (select q.name, q.village_code from person q where q.id = n0.person_id offset 0) p on true
      left join lateral (select q.village_code, q.kind from mediation_committee q where q.id = n0.committee_id offset 0) c on true)`;

export const MEDIATOR_RULES: readonly RowRule[] = [
  ...recordRules({ zh: '人民调解员', en: 'mediator' }),
  { field: 'committee_id', code: 'BAD_USER_INPUT', reason: { zh: '为必填项', en: 'is required' }, bad: 'x.committee_id is null' },
  {
    field: 'committee_id',
    code: 'NOT_FOUND',
    reason: { zh: '在您的辖区内找不到所指的人民调解委员会', en: 'names no mediation committee in your jurisdiction' },
    bad: 'x.committee_village is null',
  },
  {
    field: 'committee_id',
    code: 'BAD_USER_INPUT',
    reason: {
      zh: '是别的村（社区）的委员会：人民调解员只在本村（社区）的委员会间调整',
      en: 'is a committee of another village: a mediator moves only between the committees of their village',
    },
    bad: 'x.target is not null and x.committee_village <> x.was_village',
  },
  ...PERSON_RULES,
  {
    field: 'id_number',
    argument: 'personId',
    code: 'BAD_USER_INPUT',
    reason: {
      zh: '所指人员不住在该委员会所在的村（社区）：村（社区）人民调解委员会的调解员须为本村（社区）实有人口',
      en: 'names a resident of another village: the mediators of a village or community committee are residents of its village',
    },
    bad: `x.person_id is not null and x.committee_kind in ('VILLAGE', 'COMMUNITY') and x.person_village <> x.committee_village`,
  },
  {
    field: 'name',
    code: 'BAD_USER_INPUT',
    reason: { zh: '未关联实有人口时为必填项', en: 'is required when no resident record is linked' },
    bad: 'x.name is null',
  },
  {
    field: 'external_id',
    code: 'CONFLICT',
    reason: { zh: '已被该委员会另一名调解员使用', en: 'is already used by another mediator of this committee' },
    bad: `x.external_id is not null and (
            exists (select 1 from mediator k where k.committee_id = x.committee_id and k.external_id = x.external_id and k.id is distinct from x.target)
            or exists (select 1 from n o where o.committee_id = x.committee_id and o.external_id = x.external_id and o.line < x.line))`,
  },
  {
    field: 'id_number',
    argument: 'personId',
    code: 'CONFLICT',
    reason: { zh: '所指人员已是该委员会的调解员', en: 'names a resident who is already a mediator of this committee' },
    bad: `x.person_id is not null and (
            exists (select 1 from mediator m where m.committee_id = x.committee_id and m.person_id = x.person_id and m.id is distinct from x.target)
            or exists (select 1 from n o where o.committee_id = x.committee_id and o.person_id = x.person_id and o.line < x.line))`,
  },
];

const write = (src: string) => `
  with ${rows(src)},
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

/** Mediators as a kind of the one write path (forces-rules.ts). */
export const MEDIATOR_KIND: RowKind = { name: 'mediator', stage: MEDIATOR_STAGE, rows, rules: MEDIATOR_RULES, write };

const ofCommittees = sql('mediator.ofCommittees', Mediator, 'select * from mediator where committee_id in (?) order by id');
const HISTORY = `insert into mediator_ended (id, committee_id, name, full_time, phone, person_id, village_code, version, external_id, ended_by, end_reason)
   select id, committee_id, name, full_time, phone, person_id, village_code, version + 1, external_id, ?, ? from gone`;
const end = sql('mediator.end', Mediator, `with gone as (delete from mediator where id = ? returning *) ${HISTORY} returning *`);
const endOfCommittee = command('mediator.endOfCommittee', `with gone as (delete from mediator where committee_id = ? returning *) ${HISTORY}`);

export const mediators = {
  ...table,
  ...rowWriter(MEDIATOR_KIND),
  /** Mediators of each committee, by committee id. */
  ofCommittees: (db: Db, committeeIds: readonly number[]): Promise<MediatorRow[]> => allRows(db, ofCommittees, [committeeIds]),
  /** Ends a mediator's service: they leave `mediator` for `mediator_ended`; the ended row. */
  end: async (db: Db, id: number, by: string, reason: string | null): Promise<MediatorRow> => (await row(db, end, [id, by, reason]))!,
  /** Ends the service of every mediator of a committee (the committee is ending); how many. */
  endOfCommittee: (db: Db, committeeId: number, by: string, reason: string | null): Promise<number> => exec(db, endOfCommittee, [committeeId, by, reason]),
};
