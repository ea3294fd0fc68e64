import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import { hasScope, requireDivisionAccess, type Caller } from '../../platform/caller.ts';
import { parseDivisionCode } from '../../domain/codes.ts';
import { badParameter, HttpError, methodNotAllowed, parameterError, routeParams, withinMissing, writeChunk } from '../../platform/http.ts';
import { preferredLanguage, saidOf, type Language } from '../../platform/language.ts';
import { csvCell } from '../../platform/tabular.ts';
import { headerLanguage, xlsxSheet, XLSX_CONTENT_TYPE, type SheetColumn } from '../../platform/xlsx.ts';
import { resolvePeriod } from '../../domain/periods.ts';
import { chinaDay } from '../../domain/china-day.ts';
import { authenticate, type CallerCheck } from './authenticate.ts';
import { gatewayContext, type GatewayContext } from './context.ts';
import { TAGS, type Tag } from '../../domain/tags.ts';
import { PATROL_KINDS, PATROL_KIND_ZH } from '../../domain/patrol-kinds.ts';
import { HAZARD_SOURCES, HAZARD_SOURCE_ZH } from '../../domain/hazards.ts';
import { z } from 'zod';
import { scopeNamed } from '../../domain/labels.ts';
import { DEPARTMENT_NAMES } from '../../domain/departments.ts';

/**
 * Reports for provincial tools: GET /reports/<name>.<csv|xlsx>?within=<code>&level=<county|township|village>
 * &from=&to= (or &period=2026Q3). One row per division with its code, name,
 * parent codes and figures (the dispatches report: one per department of each
 * county or township, its kind and name after the period). CSV is for machines (UTF-8 with a BOM, the column
 * keys as headers); XLSX for people (platform/xlsx.ts: codes as text cells,
 * Chinese headers unless `&headers=en`). Rows are fetched and written a batch
 * of parents at a time through the gateway's own schema (same access rules as
 * GraphQL), never built whole.
 */
type Level = 'county' | 'township' | 'village';
type Format = 'csv' | 'xlsx';
/**
 * A rate of nothing (its denominator is 0, e.g. the resolution rate of a
 * village with no disputes): 0 in CSV, as the API gives it, and a dash in a
 * sheet for people, where 0.0% reads as a village that failed every case.
 */
const NO_RATE = Symbol('no rate');
/**
 * A special-population count withheld from a report-only caller below the township (platform/caller.ts,
 * `withholdsTagsFrom`): an empty cell in CSV, which no reader takes for 0, and 不提供 in a sheet for people.
 */
const WITHHELD = Symbol('withheld');
type Cell = string | number | typeof NO_RATE | typeof WITHHELD;
/** A rate, or NO_RATE when what it is a share of is empty. */
const rateOf = (rate: number, of: number): Cell => (of ? rate : NO_RATE);
interface ReportDef {
  needsPeriod: boolean;
  /** The sheet's name in a spreadsheet. */
  zh: string;
  selection: string;
  /** The levels its rows may be of (every level unless it says). */
  levels?: readonly Level[];
  /** The report's columns after the division's and the period's: figures, and text naming what a row splits by. */
  columns: SheetColumn[];
  /** The report's rows of one division (as the selection returns it), each in column order: one, unless the report splits. */
  rows: (row: unknown) => Cell[][];
}

/** A report of one row per division, checked against the shape its selection returns. */
function report<R>(def: Omit<ReportDef, 'rows'> & { row: z.ZodType<R>; values: (row: R) => Cell[] }): ReportDef {
  return splitReport({ ...def, rows: (row) => [def.values(row)] });
}

/** A report of several rows per division (a row per department of each division), checked as report() checks. */
function splitReport<R>(def: Omit<ReportDef, 'rows'> & { row: z.ZodType<R>; rows: (row: R) => Cell[][] }): ReportDef {
  const { row, ...rest } = def;
  return { ...rest, rows: (r) => def.rows(row.parse(r)) };
}

const n = z.number();
/** A figure column: its key (the CSV header) and its Chinese header. */
const figure = (key: string, zh: string): SheetColumn => ({ key, zh, type: 'number' });
/** A rate column (0–1), a percentage in XLSX. */
const rate = (key: string, zh: string): SheetColumn => ({ key, zh, type: 'rate' });

/** The tags' Chinese names (as in the schema's PersonTag), for the population report's headers. */
const TAG_ZH: Record<Tag, string> = {
  RELEASED_PRISONER: '刑满释放人员',
  COMMUNITY_CORRECTION: '社区矫正对象',
  SEVERE_MENTAL_DISORDER: '严重精神障碍患者',
  DRUG_USER: '吸毒人员',
  HIV_RISK: '艾滋病危险人员',
  KEY_YOUTH_IDLE: '重点青少年·闲散青少年',
  KEY_YOUTH_BAD_BEHAVIOUR: '重点青少年·有不良行为',
  KEY_YOUTH_VAGRANT: '重点青少年·流浪乞讨',
  KEY_YOUTH_CHILD_OF_INMATE: '重点青少年·服刑人员未成年子女',
  LEFT_BEHIND_CHILD: '留守儿童',
  LEFT_BEHIND_ELDERLY: '留守老人',
  EXTREME_POVERTY: '特困供养人员',
};

/** The columns every report row starts with: the division and its parents' codes (text), then the period (dates). */
const DIVISION_COLUMNS: SheetColumn[] = [
  { key: 'level', zh: '层级', type: 'text' },
  { key: 'code', zh: '区划代码', type: 'text' },
  { key: 'name', zh: '名称', type: 'text' },
  { key: 'province_code', zh: '省代码', type: 'text' },
  { key: 'prefecture_code', zh: '市（州）代码', type: 'text' },
  { key: 'county_code', zh: '县（市、区）代码', type: 'text' },
  { key: 'township_code', zh: '乡镇（街道）代码', type: 'text' },
];
/**
 * What a report of the registry as it stands (population, forces) is counted on: the day it was made, China time.
 * Last in the row, after the figures, so that a sheet read by position keeps its earlier columns.
 */
const AS_OF_COLUMNS: SheetColumn[] = [{ key: 'as_of', zh: '统计日期', type: 'date' }];
/**
 * Text columns a sheet for people reads in words where machine files keep the code, as the level (县, 乡镇, 村) and
 * the exports' kinds and statuses are: a department's kind by its name (NATURAL_RESOURCES as 自然资源局).
 */
const IN_WORDS: Record<string, (code: string) => string> = {
  department_kind: (kind) => DEPARTMENT_NAMES.get(kind) ?? kind,
};
const PERIOD_COLUMNS: SheetColumn[] = [
  { key: 'from', zh: '起始日期', type: 'date' },
  { key: 'to', zh: '截止日期', type: 'date' },
];

/** A DispatchStats' figures, as the dispatches report selects them for each department. */
const DispatchFigures = z.object({
  departmentKind: z.string(),
  departmentName: z.string(),
  dispatched: n,
  acknowledged: n,
  acknowledgedOnTime: n,
  reported: n,
  reportedOnTime: n,
  overdue: n,
  withdrawn: n,
  onTimeRate: n,
  answerDue: n,
  acknowledgeDue: n,
});
const REPORTS: Record<string, ReportDef> = {
  population: report({
    needsPeriod: false,
    zh: '人口',
    selection: 'population { residents households floating houses addresses byTag { tag count } byTagWithheld }',
    columns: [
      figure('residents', '实有人口'),
      figure('households', '实有户'),
      figure('floating', '流动人口'),
      figure('houses', '实有房屋'),
      figure('addresses', '标准地址'),
      ...TAGS.map((t) => figure(`tag_${t.toLowerCase()}`, TAG_ZH[t])),
    ],
    row: z.object({
      population: z.object({
        residents: n,
        households: n,
        floating: n,
        houses: n,
        addresses: n,
        byTag: z.array(z.object({ tag: z.string(), count: n })),
        byTagWithheld: z.boolean(),
      }),
    }),
    values: (r) => {
      const p = r.population;
      const tags = new Map(p.byTag.map((t) => [t.tag, t.count]));
      return [p.residents, p.households, p.floating, p.houses, p.addresses, ...TAGS.map((t) => (p.byTagWithheld ? WITHHELD : (tags.get(t) ?? 0)))];
    },
  }),
  forces: report({
    needsPeriod: false,
    zh: '力量',
    selection:
      'forces { grids gridWorkers gridsFullyStaffed jointDefenseGroups householdsInGroups householdCoverage patrolTeams patrolMembers patrolByKind { kind teams members } } population { households }',
    columns: [
      figure('grids', '网格数'),
      figure('grid_workers', '网格员'),
      figure('grids_fully_staffed', '配齐网格数'),
      figure('joint_defense_groups', '十户联防组'),
      figure('households_in_groups', '入组户数'),
      rate('household_coverage', '联防覆盖率'),
      figure('patrol_teams', '巡防队'),
      figure('patrol_members', '巡防队员'),
      // Last, so that a sheet read by position keeps its earlier columns: teams and members of each kind, 红袖标 first.
      ...PATROL_KINDS.flatMap((k) => [
        figure(`${k.toLowerCase()}_teams`, PATROL_KIND_ZH[k].teams),
        figure(`${k.toLowerCase()}_members`, PATROL_KIND_ZH[k].members),
      ]),
    ],
    row: z.object({
      forces: z.object({
        grids: n,
        gridWorkers: n,
        gridsFullyStaffed: n,
        jointDefenseGroups: n,
        householdsInGroups: n,
        householdCoverage: n,
        patrolTeams: n,
        patrolMembers: n,
        patrolByKind: z.array(z.object({ kind: z.string(), teams: n, members: n })),
      }),
      population: z.object({ households: n }),
    }),
    values: (r) => {
      const f = r.forces;
      const coverage = rateOf(f.householdCoverage, r.population.households);
      const byKind = new Map(f.patrolByKind.map((k) => [k.kind, k]));
      return [
        f.grids,
        f.gridWorkers,
        f.gridsFullyStaffed,
        f.jointDefenseGroups,
        f.householdsInGroups,
        coverage,
        f.patrolTeams,
        f.patrolMembers,
        ...PATROL_KINDS.flatMap((k) => [byKind.get(k)?.teams ?? 0, byKind.get(k)?.members ?? 0]),
      ];
    },
  }),
  patrols: report({
    needsPeriod: true,
    zh: '巡防',
    selection: 'patrolStats(from: $from, to: $to) { patrols patrolHours hazardsFound hazardsRectified }',
    columns: [
      figure('patrols', '巡防次数'),
      figure('patrol_hours', '巡防时长（小时）'),
      figure('hazards_found', '发现隐患'),
      figure('hazards_rectified', '整改隐患'),
    ],
    row: z.object({ patrolStats: z.object({ patrols: n, patrolHours: n, hazardsFound: n, hazardsRectified: n }) }),
    values: (r) => [r.patrolStats.patrols, r.patrolStats.patrolHours, r.patrolStats.hazardsFound, r.patrolStats.hazardsRectified],
  }),
  hazards: report({
    needsPeriod: true,
    zh: '隐患',
    selection: 'hazardStats(from: $from, to: $to) { reported open awaitingVerification verified rectificationRate bySource { source reported open } }',
    columns: [
      figure('reported', '上报隐患'),
      figure('open', '未整改'),
      figure('awaiting_verification', '待验收'),
      figure('verified', '已验收'),
      rate('rectification_rate', '整改率'),
      // Each source's reported and still open, 巡逻 first, as the schema's HazardSource orders them.
      ...HAZARD_SOURCES.flatMap((s) => [
        figure(`${s.toLowerCase()}_reported`, `${HAZARD_SOURCE_ZH[s]}上报`),
        figure(`${s.toLowerCase()}_open`, `${HAZARD_SOURCE_ZH[s]}上报未整改`),
      ]),
    ],
    row: z.object({
      hazardStats: z.object({
        reported: n,
        open: n,
        awaitingVerification: n,
        verified: n,
        rectificationRate: n,
        bySource: z.array(z.object({ source: z.string(), reported: n, open: n })),
      }),
    }),
    values: (r) => {
      const h = r.hazardStats;
      const by = new Map(h.bySource.map((b) => [b.source, b]));
      return [
        h.reported,
        h.open,
        h.awaitingVerification,
        h.verified,
        rateOf(h.rectificationRate, h.reported),
        ...HAZARD_SOURCES.flatMap((s) => [by.get(s)?.reported ?? 0, by.get(s)?.open ?? 0]),
      ];
    },
  }),
  disputes: report({
    needsPeriod: true,
    zh: '矛盾纠纷',
    selection:
      'disputeStats(from: $from, to: $to) { reported resolved resolutionRate resolvedAtVillage resolvedAtTownship resolvedAtCounty escalatedToTownship escalatedToCounty open overdue onTimeRate resolvedOnTime satisfactionRate satisfied escalationRate rated declined contactLate }',
    columns: [
      figure('reported', '受理纠纷'),
      figure('resolved', '化解纠纷'),
      rate('resolution_rate', '化解率'),
      figure('resolved_at_village', '村级化解'),
      figure('resolved_at_township', '乡镇化解'),
      figure('resolved_at_county', '县级化解'),
      figure('escalated_to_township', '上报乡镇'),
      figure('escalated_to_county', '上报县'),
      figure('open', '在办'),
      figure('overdue', '超期'),
      rate('on_time_rate', '按期化解率'),
      rate('satisfaction_rate', '群众满意率'),
      // Last, so that a sheet read by position keeps its earlier columns.
      figure('declined', '不予受理'),
      // What satisfaction_rate is a share of: without it a CSV's 0 read the same for no rating and for every rating 不满意.
      figure('rated', '参评纠纷'),
      // The rates' numerators, so a tool rolls a rate up over rows by adding these, not by multiplying rates back.
      figure('resolved_on_time', '按期化解'),
      figure('satisfied', '满意纠纷'),
      rate('escalation_rate', '上报率'),
      // Beside the on-time figures: cases of the period whose parties were contacted after the contact deadline.
      figure('contact_late', '联系超时'),
    ],
    row: z.object({
      disputeStats: z.object({
        reported: n,
        resolved: n,
        resolutionRate: n,
        resolvedAtVillage: n,
        resolvedAtTownship: n,
        resolvedAtCounty: n,
        escalatedToTownship: n,
        escalatedToCounty: n,
        open: n,
        overdue: n,
        onTimeRate: n,
        resolvedOnTime: n,
        satisfactionRate: n,
        satisfied: n,
        escalationRate: n,
        rated: n,
        declined: n,
        contactLate: n,
      }),
    }),
    values: (r) => {
      const d = r.disputeStats;
      return [
        d.reported,
        d.resolved,
        rateOf(d.resolutionRate, d.reported),
        d.resolvedAtVillage,
        d.resolvedAtTownship,
        d.resolvedAtCounty,
        d.escalatedToTownship,
        d.escalatedToCounty,
        d.open,
        d.overdue,
        rateOf(d.onTimeRate, d.resolved),
        rateOf(d.satisfactionRate, d.rated),
        d.declined,
        d.rated,
        d.resolvedOnTime,
        d.satisfied,
        rateOf(d.escalationRate, d.reported),
        d.contactLate,
      ];
    },
  }),
  dispatches: splitReport({
    needsPeriod: true,
    // 吹哨报到 is answered by the county's departments to its townships: there are no village figures.
    levels: ['county', 'township'],
    zh: '吹哨报到',
    selection:
      'dispatchStats(from: $from, to: $to) { byDepartment { departmentKind departmentName dispatched acknowledged acknowledgedOnTime reported reportedOnTime overdue withdrawn onTimeRate answerDue acknowledgeDue } }',
    columns: [
      { key: 'department_kind', zh: '部门类别', type: 'text' },
      { key: 'department_name', zh: '部门名称', type: 'text' },
      figure('dispatched', '吹哨'),
      figure('acknowledged', '报到'),
      figure('acknowledged_on_time', '按时报到'),
      figure('reported', '反馈'),
      figure('reported_on_time', '按时反馈'),
      figure('overdue', '超期'),
      figure('withdrawn', '撤回'),
      // What the rate is a share of, so a tool rolls the rate up over rows by adding counts.
      figure('answer_due', '应反馈'),
      rate('on_time_rate', '按时反馈率'),
      // After the earlier columns, so that a sheet read by position keeps them: what acknowledged_on_time is counted
      // against, so the late 报到 are acknowledge_due − acknowledged_on_time.
      figure('acknowledge_due', '应报到'),
      // Last, the late ones as the room's table shows them (报到超时, 反馈超时): the due ones not answered on time.
      figure('acknowledged_late', '报到超时'),
      figure('answered_late', '反馈超时'),
    ],
    row: z.object({ dispatchStats: z.object({ byDepartment: z.array(DispatchFigures) }) }),
    // A row per department of the division, in the API's order (by kind), zeros included.
    rows: (r) =>
      r.dispatchStats.byDepartment.map((d) => [
        d.departmentKind,
        d.departmentName,
        d.dispatched,
        d.acknowledged,
        d.acknowledgedOnTime,
        d.reported,
        d.reportedOnTime,
        d.overdue,
        d.withdrawn,
        d.answerDue,
        rateOf(d.onTimeRate, d.answerDue),
        d.acknowledgeDue,
        d.acknowledgeDue - d.acknowledgedOnTime,
        d.answerDue - d.reportedOnTime,
      ]),
  }),
};

/** What every listed division row carries besides the report's own selection. */
const DivisionRows = z.array(z.looseObject({ code: z.string(), name: z.string() }));
const Codes = z.array(z.object({ code: z.string() }));
/** The answer of a PARENT list query: one of these fields. */
const ParentList = z.object({ region: z.object({ prefectures: Codes }).nullish(), counties: Codes.optional(), townships: Codes.optional() });

const LIST: Record<Level, string> = { county: 'counties', township: 'townships', village: 'villages' };
const CHILD_LEN: Record<Level, number> = { county: 6, township: 9, village: 12 };
/** The levels as people name them, 村 and 社区 (居委会) alike (DESIGN: the village level is 村/社区). */
const LEVEL_ZH: Record<Level, string> = { county: '县（市、区）', township: '乡镇（街道）', village: '村（社区）' };

/** Parents are the divisions one level up (prefectures for counties), listed by the query that gives them. */
const PARENT: Record<Level, { len: number; list: (within: string) => string }> = {
  county: { len: 4, list: (w) => `{ region(code: "${w.slice(0, 2)}") { prefectures { code } } }` },
  township: { len: 6, list: (w) => `{ counties(within: "${w}") { code } }` },
  village: { len: 9, list: (w) => `{ townships(within: "${w}") { code } }` },
};
const BATCH = 40;

const csvLine = (cells: readonly unknown[]) => `${cells.map(csvCell).join(',')}\r\n`;

/** A report's rows on their way out: CSV lines or a spreadsheet's rows. */
interface Table {
  row(cells: readonly (Cell | null)[]): Promise<void>;
  end(): Promise<void>;
  abort(): void;
}

/** CSV for machines: a BOM, the column keys, then one line per row. */
function csvTable(res: ServerResponse, columns: readonly SheetColumn[]): Table {
  res.write(`\uFEFF${csvLine(columns.map((c) => c.key))}`);
  return {
    row: (cells) => writeChunk(res, csvLine(cells)),
    end: async () => {},
    abort: () => {},
  };
}

async function run(
  apollo: ApolloServer<GatewayContext>,
  ctx: GatewayContext,
  query: string,
  variables: Record<string, unknown>,
  language: Language,
  age?: { seconds: number },
): Promise<Record<string, unknown>> {
  // The caller's language goes with the operation, so its errors come back in it (platform/language.ts).
  const http = { method: 'POST', headers: new HeaderMap([['accept-language', language]]), search: '', body: undefined };
  // Each operation its own exchange: sharing a running identical one (dedup.ts) is per operation, not per report.
  const res = await apollo.executeOperation({ query, variables, http }, { contextValue: { ...ctx, exchange: {} } });
  if (res.body.kind !== 'single') throw new HttpError(500, 'INTERNAL_SERVER_ERROR', { zh: '意外的增量结果。', en: 'Unexpected incremental result.' });
  const { data, errors, extensions } = res.body.singleResult;
  const cached = (extensions?.cache as { ageSeconds?: number } | undefined)?.ageSeconds;
  if (age && cached !== undefined) age.seconds = Math.max(age.seconds, cached);
  if (errors?.length) {
    const code = String(errors[0]!.extensions?.code ?? 'INTERNAL_SERVER_ERROR');
    // A database or a subgraph that did not answer: the report may be asked for again shortly, as the API tells.
    if (code === 'SERVICE_UNAVAILABLE' || code === 'SUBGRAPH_UNAVAILABLE') {
      const { retryable, correlationId } = errors[0]!.extensions ?? {};
      throw new HttpError(503, code, saidOf(errors[0]!), { retryable: retryable ?? true, ...(correlationId ? { correlationId } : {}) }, { 'retry-after': '1' });
    }
    const status = code === 'FORBIDDEN' ? 403 : code === 'BAD_USER_INPUT' ? 400 : 502;
    throw new HttpError(status, code, saidOf(errors[0]!));
  }
  return data ?? {};
}

export function reportsRoute(apollo: ApolloServer<GatewayContext>, callers: CallerCheck) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const m = /^\/reports\/([a-z]+)\.(csv|xlsx)$/.exec(url.pathname);
    if (m && req.method !== 'GET') {
      throw methodNotAllowed('GET', { zh: '报表请用 GET 请求。', en: 'Reports are read with GET.' });
    }
    if (!m) {
      throw new HttpError(404, 'NOT_FOUND', {
        zh: `报表地址：GET /reports/<${Object.keys(REPORTS).join('|')}>.<csv|xlsx>?within=&level=&from=&to=`,
        en: `Reports: GET /reports/<${Object.keys(REPORTS).join('|')}>.<csv|xlsx>?within=&level=&from=&to=`,
      });
    }
    const format: Format = m[2] === 'xlsx' ? 'xlsx' : 'csv';
    const caller: Caller = await authenticate(callers, req.headers.authorization);
    if (!hasScope(caller, 'report') && !hasScope(caller, 'read')) {
      throw new HttpError(403, 'FORBIDDEN', {
        zh: `报表需要${scopeNamed('report')}（或${scopeNamed('read')}）权限。`,
        en: 'Reports need the "report" (or "read") scope.',
      });
    }
    const def = REPORTS[m[1]!];
    if (!def) {
      const names = Object.keys(REPORTS).join(', ');
      throw new HttpError(404, 'NOT_FOUND', { zh: `没有报表“${m[1]}”；可用的报表：${names}。`, en: `No report "${m[1]}"; reports: ${names}.` });
    }
    // A period is read only by the reports of one (patrols, disputes); given to the others it would be ignored.
    if (!def.needsPeriod) {
      const given = ['period', 'from', 'to'].filter((p) => url.searchParams.has(p));
      if (given.length) {
        throw badParameter(given[0]!, {
          zh: `${def.zh}报表是区划当前的实有数，不按期间统计；请去掉 ${given.join('、')}（每行的 as_of 列写明统计日期）。`,
          en: `The ${m[1]} report counts the division as it stands now, not over a period: leave out ${given.join(', ')} (each row's as_of column gives the day it was counted).`,
        });
      }
    }
    const q = routeParams(url, ['within', 'level', ...(def.needsPeriod ? ['from', 'to', 'period'] : []), 'headers']);
    const level = q.get('level') as Level;
    if (!(level in LIST)) {
      throw badParameter('level', { zh: 'level 应为 county、township 或 village。', en: 'level must be county, township or village.' });
    }
    if (def.levels && !def.levels.includes(level)) {
      throw badParameter('level', {
        zh: `${def.zh}报表按${def.levels.map((l) => LEVEL_ZH[l]).join('或')}统计：level 应为 ${def.levels.join(' 或 ')}。`,
        en: `The ${m[1]} report has ${def.levels.join(' or ')} rows: level must be ${def.levels.join(' or ')}.`,
      });
    }
    const language = preferredLanguage(req.headers['accept-language']);
    if (!q.get('within')) {
      throw withinMissing({ zh: '报表', en: 'report on' }, caller.jurisdiction === '*' ? '62' : caller.jurisdiction.slice(0, CHILD_LEN[level]), false);
    }
    let within: string;
    let period: { from: string; to: string } | undefined;
    try {
      within = parseDivisionCode(q.get('within') ?? '', 'within');
      if (def.needsPeriod) period = resolvePeriod({ from: q.get('from'), to: q.get('to'), period: q.get('period') });
    } catch (e) {
      throw parameterError(e);
    }
    if (within.length > CHILD_LEN[level]) {
      throw badParameter('within', {
        zh: `within ${within} 的层级低于 level（${level}）。`,
        en: `within ${within} is below the ${level} level.`,
      });
    }
    // The same refusal as the change feed's and a division's lists (extensions.jurisdiction names the caller's).
    requireDivisionAccess(caller, within);
    const headers = headerLanguage(q.get('headers'), format);
    const ctx = gatewayContext(req, caller);

    const parent = PARENT[level];
    let parents: string[];
    if (within.length >= parent.len) parents = [within];
    else {
      const data = ParentList.parse(await run(apollo, ctx, parent.list(within), {}, language));
      parents = (data.region?.prefectures ?? data.counties ?? data.townships ?? []).map((x) => x.code).filter((c) => c.startsWith(within));
    }
    const vars = period ? '($from: Date!, $to: Date!)' : '';
    const batchQuery = (codes: string[]) =>
      `query${vars} { ${codes.map((c, i) => `p${i}: ${LIST[level]}(within: "${c}") { code name ${def.selection} }`).join(' ')} }`;
    const asOf = period ? undefined : chinaDay();
    const filename = `${m[1]}-${level}-${within}${period ? `-${period.from}-${period.to}` : `-${asOf}`}.${format}`;
    const columns = [...DIVISION_COLUMNS, ...(period ? PERIOD_COLUMNS : []), ...def.columns, ...(asOf ? AS_OF_COLUMNS : [])];
    const inWords = def.columns.map((c) => (headers === 'zh' ? IN_WORDS[c.key] : undefined));
    let table: Table | undefined;
    try {
      for (let i = 0; i < parents.length || (!table && i === 0); i += BATCH) {
        const codes = parents.slice(i, i + BATCH);
        const age = { seconds: -1 };
        const data = codes.length ? await run(apollo, ctx, batchQuery(codes), period ?? {}, language, age) : {};
        const rows = Object.values(data).flatMap((list) => DivisionRows.parse(list));
        // Every division the hub holds has divisions at each level below it: none at all is a code it does not hold.
        if (!table && !rows.length) {
          throw new HttpError(
            404,
            'NOT_FOUND',
            {
              zh: `没有区划 ${within} 下的${LEVEL_ZH[level]}数据（代码有误，或该区划尚未加载）。`,
              en: `The hub holds no ${level} divisions under ${within} (a mistyped code, or a division not loaded).`,
            },
            { argument: 'within' },
          );
        }
        if (!table) {
          res.writeHead(200, {
            'content-type': format === 'xlsx' ? XLSX_CONTENT_TYPE : 'text/csv; charset=utf-8',
            'content-disposition': `attachment; filename="${filename}"`,
            'cache-control': 'no-store',
            // A report-only caller's figures may come from the gateway's report cache (report-cache.ts): how old they are.
            ...(age.seconds >= 0 ? { age: String(age.seconds) } : {}),
          });
          table = format === 'xlsx' ? xlsxSheet((chunk) => writeChunk(res, chunk), { sheet: def.zh, columns, headers }) : csvTable(res, columns);
        }
        for (const row of rows) {
          const c = row.code;
          for (const values of def.rows(row)) {
            await table.row([
              // A sheet for people names the level as they do (县, 乡镇, 村); machine files keep the key.
              headers === 'zh' ? LEVEL_ZH[level] : level,
              c,
              row.name,
              c.slice(0, 2),
              c.slice(0, 4),
              c.length >= 6 ? c.slice(0, 6) : '',
              c.length >= 9 ? c.slice(0, 9) : '',
              ...(period ? [period.from, period.to] : []),
              ...values.map((v, j) =>
                v === NO_RATE
                  ? format === 'xlsx'
                    ? '—'
                    : 0
                  : v === WITHHELD
                    ? format === 'xlsx'
                      ? '不提供'
                      : null
                    : typeof v === 'string' && inWords[j]
                      ? inWords[j](v)
                      : v,
              ),
              ...(asOf ? [asOf] : []),
            ]);
          }
        }
      }
      await table?.end();
    } catch (e) {
      table?.abort();
      throw e;
    }
    res.end();
  };
}
