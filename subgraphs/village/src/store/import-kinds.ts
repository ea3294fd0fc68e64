import { z } from 'zod';
import { command, sql, type Sql } from '../../../../platform/sql.ts';
import { copyStatement } from '../../../../platform/bulk.ts';
import type { Said } from '../../../../domain/errors.ts';
import { DEREGISTERED_PARTY } from '../../../../domain/parties.ts';
import { DISPUTE_SOURCE_ZH } from '../../../../domain/labels.ts';
import type { RuleCode } from '../registry/rules.ts';
import { ADDRESS_KIND, GROUP_KIND, HOUSE_KIND, HOUSEHOLD_KIND, SITE_KIND, TEAM_KIND } from './registry-kinds.ts';
import { RESIDENT_IMPORT, RESIDENT_KIND } from './resident-kind.ts';
import { batchStatements, type BatchStatements, type RowKind } from './row-kinds.ts';
import { GRID_STAFF_KIND } from './grid-staff.ts';
import { COMMITTEE_KIND } from './mediation-committee.ts';
import { MEDIATOR_KIND } from './mediator.ts';
import { AS_REPORTED, IMPORT_KEY, REPORTED_FIELDS } from './dispute.ts';

/** A report's timeline note in SQL, as reportDispute writes it (domain/labels.ts reportNote): the source's Chinese name. */
const SOURCE_ZH_SQL = `(case i.source ${Object.entries(DISPUTE_SOURCE_ZH)
  .map(([k, v]) => `when '${k}' then '${v}'`)
  .join(' ')} else i.source end)`;

/**
 * The SQL of each importable kind (see ../import/kinds.ts for the field rules
 * and ../import/route.ts for how a batch runs): the stage table a batch is
 * copied into, the set-based checks that need the database and the writes.
 * Every kind upserts (by id or natural key) and leaves a row alone when
 * nothing in it differs, so importing the same file twice changes nothing.
 *
 * The registry's kinds (residents, addresses, houses, households, sites,
 * joint-defense groups, patrol teams) are those of the one write path
 * (row-kinds.ts, registry-kinds.ts, resident-kind.ts): the batch's rows as
 * they would be written, the mutations' rules as set-based checks over them,
 * and the mutations' write, as are the forces' (grid staff, mediation
 * committees, mediators: grid-staff.ts, mediation-committee.ts, mediator.ts).
 * Disputes declare their own.
 */

/** Rows a check deleted from the stage, by line. */
const Line = z.object({ line: z.number().int(), fields: z.array(z.string()).nullish() });
export type LineRow = z.infer<typeof Line>;

/** Rows an upsert wrote: whether each was inserted (else updated). */
const Written = z.object({ inserted: z.boolean() });
export type WrittenRow = z.infer<typeof Written>;

export interface StageCheck {
  field: string;
  /** The rule's stable name (a reject's `rule`, as a form's refusal of the same gives it in extensions.rule). */
  rule: string;
  /** Why a row fails the check, after the field's name. */
  reason: Said;
  /** The code a mutation breaking the same rule answers (BAD_USER_INPUT when not given). */
  code?: RuleCode;
  /** Deletes the staged rows `s` the check finds bad, returning their lines (and, for some, the columns that differ). */
  st: Sql<LineRow>;
  /** The check concerns only rows whose `field` (a staged column) is filled: a batch with none skips it. */
  onlyIfFilled?: boolean;
  /** A row it rejects is told a number is registered outside the caller's jurisdiction: a lookup (import/route.ts spends it). */
  revealsRegistration?: boolean;
  /** The check finds rows only through what `prepare` wrote: a batch whose `prepare` wrote none skips it. */
  afterPrepare?: boolean;
}

/**
 * Residents' writes. The rows are written by an UPDATE of the existing ones
 * and a plain INSERT of the new ones, both putting (inserted, village_code,
 * residency, tags, previous village_code) into the temp table `done`, and the
 * village roll-up is adjusted by the inserted rows' counts instead of
 * recounting whole villages after every batch (a recount costs the county's
 * whole population; see ../import/route.ts). A plain INSERT skips the
 * speculative insertion that ON CONFLICT does for every row (about a tenth of
 * the insert's time).
 */
export interface ResidentWrites {
  /** Looks up the batch's ID numbers once (`known`): how many the hub knows decides whether the batch is only new residents. */
  prepare: Sql<Record<string, never>>;
  update: Sql<Record<string, never>>;
  insert: Sql<Record<string, never>>;
  /** The insert of a batch of new residents only, straight from the stage (resident-kind.ts). */
  fastInsert: Sql<Record<string, never>>;
  /** What a new resident needs: a batch where some row lacks one of these goes through the checks. */
  required: readonly string[];
  /** Columns whose values a batch of new residents only must not fill (they need the checks). */
  checked: readonly string[];
}

interface Staging {
  /** Staged columns after `line integer`, with their types; a kind's `parse` returns its values in this order. */
  stage: readonly (readonly [string, string])[];
  /** `create temp table stage (line integer, …stage) on commit drop`. */
  createStage: Sql<Record<string, never>>;
  /** `copy stage (line, …stage) from stdin`. */
  copyStage: Sql<Record<string, never>>;
}

interface KindSqlBase extends Staging {
  /**
   * Run once the batch is staged, before the checks. Its row count decides
   * whether the checks that depend on it run at all.
   */
  prepare?: Sql<Record<string, never>>;
  checks: readonly StageCheck[];
}

/** A kind whose checks delete bad rows from the stage and whose upsert writes the rest. */
interface StageKindSql extends KindSqlBase {
  /** INSERT … SELECT FROM stage s …, RETURNING whether each row was inserted (else updated). */
  upsert: Sql<WrittenRow>;
  batch?: undefined;
}

/** A kind of the one write path: its rows as written, checks and write (row-kinds.ts). */
export interface RowKindSql extends Staging {
  row: RowKind;
  batch: BatchStatements;
  /** Residents only: their writes with the roll-up deltas. */
  residents?: ResidentWrites;
}

export type KindSql = StageKindSql | RowKindSql;

type Stage = readonly (readonly [string, string])[];

/** The stage table of a kind and its COPY. */
function staging(kind: string, stage: Stage): Pick<KindSqlBase, 'stage' | 'createStage' | 'copyStage'> {
  return {
    stage,
    createStage: command(
      `import.${kind}.createStage`,
      `create temp table stage (line integer, ${stage.map(([c, t]) => `${c} ${t}`).join(', ')}) on commit drop`,
    ),
    copyStage: copyStatement('stage', ['line', ...stage.map(([c]) => c)], `import.${kind}.copyStage`),
  };
}

/** A check as a statement that deletes (and returns the lines of) the staged rows `s` for which `bad` holds. */
function check(
  kind: string,
  c: {
    field: string;
    rule: string;
    reason: Said;
    bad: string;
    code?: RuleCode;
    onlyIfFilled?: boolean;
    afterPrepare?: boolean;
    revealsRegistration?: boolean;
    /** SQL (text[]) over the row `s`: the file's columns that differ from what the row is checked against, named in its reject. */
    fields?: string;
  },
): StageCheck {
  const { bad, fields, ...rest } = c;
  return {
    ...rest,
    st: sql(
      `import.${kind}.check.${c.field}.${c.code ?? 'input'}`,
      Line,
      `delete from stage s where ${bad} returning line${fields ? `, ${fields} as fields` : ''}`,
    ),
  };
}

const COUNTY = 'left(s.grid_code, 6)';
/**
 * SQL: the case a staged row `s` names by its county and import key (`d`),
 * where `also` holds. The key is worked out in a subquery kept apart
 * (`offset 0`), so that `dispute`'s unique index is probed with plain columns
 * (see PARTY_NUMBER): `left(…)` and `||` are not leakproof.
 */
function takenIn(also?: string, select = '1'): string {
  return `(select ${select} from (select ${COUNTY} as county, '${IMPORT_KEY}' || s.external_id as key offset 0) k
             join dispute d on d.county_code = k.county and d.idempotency_key = k.key${also ? ` where ${also}` : ''})`;
}
/**
 * A row that reports a case not yet taken in. Its parties' ID numbers are checked only then: a case already taken in is
 * left as it is (a second run of the file must not refuse it because a party has since moved or been deregistered).
 */
const NEW_CASE = `s.id is null and not exists ${takenIn()}`;

/**
 * A party's ID number, taken out of its JSON (`e`) as `n.id_number` before it
 * meets `person`. Under row-level security only a leakproof condition may
 * drive an index, and `r.id_number = e->>'id_number'` holds the JSON operator,
 * which is not (PostgreSQL reads the whole registry instead); compared with
 * the column of a subquery kept apart (`offset 0`), the lookup is one index
 * probe (docs/ARCHITECTURE.md, "Conventions").
 */
const partyNumber = (party = 'e') => `cross join lateral (select ${party}->>'id_number' as id_number offset 0) n`;
const PARTY_NUMBER = partyNumber();

/**
 * A reported case differs from the row naming it (what a report sets; the
 * rest changes only through handling steps). Times are compared to the
 * second, since a spreadsheet shows and saves them so (the XLSX export's
 * yyyy-mm-dd hh:mm:ss) while a case reported through the API keeps its
 * milliseconds; and a spreadsheet may show …:05.986 as …:05 or, as gnumeric
 * and the workbook reader do, round it to …:06: a row's whole second that is
 * the case's time rounded is its time too. A summary's line breaks are
 * compared as one LF each, as written text keeps them (a case stored with CR
 * LF still matches its file). `t` is the case's side, `s` the row's.
 */
const asCompared = (c: string, t: string) =>
  c === 'occurred_at'
    ? t === 's'
      ? `date_trunc('second', s.${c})`
      : `case when s.${c} = date_trunc('second', ${t}.${c} + interval '0.5 second') then s.${c} else date_trunc('second', ${t}.${c}) end`
    : c === 'summary'
      ? `regexp_replace(${t}.${c}, E'\\r\\n?', E'\\n', 'g')`
      : `${t}.${c}`;
/**
 * A party as compared, by role and who: a resident by person id, a party by
 * name alone by the name. A resident no longer in the caller's jurisdiction
 * (moved away since) is hidden on both sides alike, so a second run of the
 * file naming them by ID number still matches the case. Hidden matches any
 * hidden: row-level security cannot tell one unseen resident from another,
 * and telling them apart would answer whether a number belongs to someone
 * outside the jurisdiction.
 */
const sorted = (key: string, from: string) => `(select coalesce(array_agg(k order by k), '{}') from (select e.role || ':' || ${key} as k ${from}) x)`;
const SHOWN_PERSON = (id: string) => `coalesce((select 'p:' || r.id from person r where ${id} offset 0), 'hidden')`;
const CASE_PARTIES = sorted(
  `case when e.person_id is null then 'n:' || e.name else ${SHOWN_PERSON('r.id = e.person_id')} end`,
  'from dispute_party e where e.dispute_id = d.id',
);
const ROW_PARTIES = sorted(
  `case when n.id_number is null then 'n:' || (e.j->>'name') else ${SHOWN_PERSON('r.id_number = n.id_number')} end`,
  `from (select j, j->>'role' as role from jsonb_array_elements(s.parties) j) e ${partyNumber('e.j')}`,
);
/** The parties of the case as first reported (AS_REPORTED's `rep`), as compared. */
const FIRST_PARTIES = `case when rep.parties is null then ${CASE_PARTIES} else ${sorted(
  `case when e.p->>'personId' is null then 'n:' || (e.p->>'name') else ${SHOWN_PERSON(`r.id = (e.p->>'personId')::bigint`)} end`,
  `from (select p, p->>'role' as role from jsonb_array_elements(rep.parties) p) e`,
)} end`;
/** The row differs from the case `t` (its fields as compared, or the parties when the row gives them: a row naming a case by its id may leave them out). */
const differsFrom = (t: string, parties: string) =>
  `((${REPORTED_FIELDS.map(([c]) => asCompared(c, t)).join(', ')}) is distinct from (${REPORTED_FIELDS.map(([c]) => asCompared(c, 's')).join(', ')})
    or (coalesce(jsonb_array_length(s.parties), 0) > 0 and ${parties} is distinct from ${ROW_PARTIES}))`;
/**
 * The row differs from the case `d` as it stands and as first reported: a file sent again after the case was
 * corrected carries what was first reported, as a retried report does (reportDispute); an export carries the case as
 * it stands.
 */
const DIFFERS = `(${differsFrom('d', CASE_PARTIES)}
                  and not exists (select 1 from (values (1)) one ${AS_REPORTED} where not ${differsFrom('rep', FIRST_PARTIES)}))`;
/** The file's columns in which the row differs from the case `d` (DIFFERS, column by column), as its reject names them. */
const DIFFERING = `array_remove(array[${REPORTED_FIELDS.map(([c]) => `case when ${asCompared(c, 'd')} is distinct from ${asCompared(c, 's')} then '${c}' end`).join(', ')},
                                   case when jsonb_array_length(s.parties) > 0 and ${CASE_PARTIES} is distinct from ${ROW_PARTIES} then 'parties' end], null)`;
const REPORTED_CASE: Said = {
  zh: '对应的案件已按不同内容登记（网格、类别、规模、来源、简要情况、发生时间或当事人不同）；已登记的案件只能通过办理步骤或更正（correctDispute）变更',
  en: 'is a case already reported with other details (grid, category, scale, source, summary, time of occurrence or parties); a reported case changes only through its handling steps or a correction (correctDispute)',
};

/** A kind of the one write path, staged under its own name. */
function rowKindSql(kind: string, row: RowKind, rowsOf?: (src: string) => string): RowKindSql {
  return { ...staging(kind, row.stage), row, batch: batchStatements({ ...row, name: kind }, rowsOf) };
}

export const KIND_SQL = {
  residents: {
    ...rowKindSql('residents', RESIDENT_KIND, RESIDENT_IMPORT.rows),
    residents: {
      prepare: RESIDENT_IMPORT.prepare,
      update: RESIDENT_IMPORT.update,
      insert: RESIDENT_IMPORT.insert,
      fastInsert: RESIDENT_IMPORT.fastInsert,
      // A row without an ID number (a newborn's) may be one registered before: the checked path finds it (resident-kind.ts).
      required: ['id_number', 'name', 'ethnicity', 'residency', 'grid_code'],
      // A row filling one of these needs a check a new resident can break (a key-youth tag out of age waits in tags_age).
      checked: ['id', 'household_id', 'household_number', 'address_id', 'address_number', 'tags_age', 'relationship_to_head'],
    },
  },
  addresses: rowKindSql('addresses', ADDRESS_KIND),
  houses: rowKindSql('houses', HOUSE_KIND),
  households: rowKindSql('households', HOUSEHOLD_KIND),
  sites: rowKindSql('sites', SITE_KIND),
  'joint-defense-groups': rowKindSql('joint-defense-groups', GROUP_KIND),
  'patrol-teams': rowKindSql('patrol-teams', TEAM_KIND),
  /**
   * Reported disputes taken in from another system's register (see
   * ../import/kinds.ts): numbered from the county's yearly counter, with
   * deadlines from the rules, status REPORTED, their parties and a REPORT
   * step. A case that exists is left alone when the row matches it and
   * rejected when it does not.
   */
  disputes: {
    ...staging('disputes', [
      ['id', 'uuid'],
      ['external_id', 'text'],
      ['grid_code', 'text'],
      ['category', 'text'],
      ['scale', 'text'],
      ['source', 'text'],
      ['summary', 'text'],
      ['occurred_at', 'timestamptz'],
      ['parties', 'jsonb'],
    ]),
    checks: [
      // A number registered outside the caller's jurisdiction is a CONFLICT, as a residents file answers it
      // (idNumberElsewhere), told apart from a number registered nowhere through hub_known_people.
      check('disputes', {
        field: 'parties',
        rule: 'idNumberElsewhere',
        code: 'CONFLICT',
        revealsRegistration: true,
        reason: {
          zh: '含有已在您辖区以外登记的人员的公民身份号码；该当事人请只写姓名，或由其登记所在的辖区上报',
          en: 'names by ID number a resident registered outside your jurisdiction; give that party by name alone, or have that jurisdiction report the case',
        },
        bad: `${NEW_CASE}
              and exists (select 1 from jsonb_array_elements(s.parties) e, hub_known_people(array[e->>'id_number']) k
                           where e->>'id_number' is not null and k.outside)`,
      }),
      check('disputes', {
        field: 'parties',
        rule: 'partyUnknown',
        reason: { zh: '含有您辖区内没有登记的公民身份号码', en: 'names an ID number of no resident in your jurisdiction' },
        bad: `${NEW_CASE}
              and exists (select 1 from jsonb_array_elements(s.parties) e ${PARTY_NUMBER}
                           where n.id_number is not null and not exists (select 1 from person r where r.id_number = n.id_number))`,
      }),
      // As reportDispute: a new case links no deregistered resident (a case already taken in is left as it is).
      check('disputes', {
        field: 'parties',
        rule: 'partyDeregistered',
        code: 'CONFLICT',
        reason: { zh: `含有已注销人员的公民身份号码：${DEREGISTERED_PARTY.zh}`, en: `names a deregistered resident by ID number: ${DEREGISTERED_PARTY.en}` },
        bad: `${NEW_CASE}
              and exists (select 1 from jsonb_array_elements(s.parties) e ${PARTY_NUMBER} join person r on r.id_number = n.id_number where r.status = 'DEREGISTERED')`,
      }),
      // A row with the case's id (as the export writes it) names that case, reported through the API or a file.
      check('disputes', {
        field: 'id',
        rule: 'recordUnknown',
        code: 'NOT_FOUND',
        reason: { zh: '在您的辖区内找不到所指的矛盾纠纷', en: 'names no dispute in your jurisdiction' },
        bad: `s.id is not null and not exists (select 1 from dispute d where d.id = s.id)`,
        onlyIfFilled: true,
      }),
      check('disputes', {
        field: 'id',
        rule: 'caseReported',
        code: 'CONFLICT',
        reason: REPORTED_CASE,
        bad: `s.id is not null and exists (select 1 from dispute d where d.id = s.id and ${DIFFERS})`,
        fields: `(select ${DIFFERING} from dispute d where d.id = s.id)`,
        onlyIfFilled: true,
      }),
      check('disputes', {
        field: 'external_id',
        rule: 'caseReported',
        code: 'CONFLICT',
        reason: REPORTED_CASE,
        bad: `s.id is null and exists ${takenIn(DIFFERS)}`,
        fields: takenIn(undefined, DIFFERING),
      }),
    ],
    // One statement: number the new cases per county from the yearly counter (China Standard Time year, as
    // reportDispute does), insert them with their deadlines, parties and REPORT step, the first of each case's order (seq 1; data-modifying WITH
    // parts always run to completion, read or not).
    upsert: sql(
      'import.disputes.upsert',
      Written,
      `with fresh as (
         select s.*, ${COUNTY} as county, row_number() over (partition by ${COUNTY} order by s.line) as rn
           from stage s
          where ${NEW_CASE}),
       per_county as (select county, count(*) as n from fresh group by 1),
       year as (select extract(year from now() at time zone 'Asia/Shanghai')::int as y),
       counter as (
         insert into dispute_counter (county_code, year, n) select county, (select y from year), n from per_county
         on conflict (county_code, year) do update set n = dispute_counter.n + excluded.n
         returning county_code, n as upto),
       ins as (
         insert into dispute (id, case_number, idempotency_key, category, scale, source, summary, village_code, grid_code, county_code,
                              occurred_at, reported_at, status, seq, contact_by, settle_by, created_by)
         select gen_random_uuid(), f.county || '-' || (select y from year) || '-' || lpad((c.upto - pc.n + f.rn)::text, 6, '0'),
                '${IMPORT_KEY}' || f.external_id, f.category, f.scale, f.source, f.summary, left(f.grid_code, 12), f.grid_code, f.county,
                f.occurred_at, now(), 'REPORTED', 1, now() + make_interval(mins => r.contact_minutes), now() + make_interval(hours => r.settle_hours),
                current_setting('hub.import_subject')
           from fresh f join counter c on c.county_code = f.county join per_county pc on pc.county = f.county
           cross join lateral (
             select coalesce(min(x.contact_minutes), 60) as contact_minutes, coalesce(min(x.settle_hours), 72) as settle_hours from (
               select contact_minutes, settle_hours from deadline_rule
                where (category = f.category or category is null) and (scale = f.scale or scale is null)
                order by (category is not null) desc, (scale is not null) desc limit 1) x) r
         returning id, idempotency_key, county_code, source, summary, village_code, grid_code, contact_by, settle_by),
       parties as (
         insert into dispute_party (dispute_id, person_id, name, role, village_code, grid_code)
         select i.id, p.id, coalesce(p.name, e->>'name'), e->>'role', i.village_code, i.grid_code
           from ins i join fresh f on f.county = i.county_code and '${IMPORT_KEY}' || f.external_id = i.idempotency_key
           cross join jsonb_array_elements(f.parties) e ${PARTY_NUMBER}
           left join person p on p.id_number = n.id_number
         returning 1),
       steps as (
         insert into dispute_step (dispute_id, at, level, action, actor, note, status, village_code, grid_code, seq, contact_by, settle_by)
         select i.id, now(), 'VILLAGE', 'REPORT', current_setting('hub.import_actor'), ${SOURCE_ZH_SQL} || '：' || left(i.summary, 200), 'REPORTED', i.village_code, i.grid_code,
                1, i.contact_by, i.settle_by
           from ins i
         returning 1)
       select true as inserted from ins`,
    ),
  },
  /** Grid staff (1+3+N), committees and mediators. */
  'grid-staff': rowKindSql('grid-staff', GRID_STAFF_KIND),
  'mediation-committees': rowKindSql('mediation-committees', COMMITTEE_KIND),
  mediators: rowKindSql('mediators', MEDIATOR_KIND),
} satisfies Record<string, KindSql>;

export type KindName = keyof typeof KIND_SQL;
