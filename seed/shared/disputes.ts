/**
 * Deterministic demo disputes for a county: the twelve months before the
 * reference date, shaped like the seeds' figures (临潭县: about 400 a year,
 * about 97% resolved, most in the village, fewer in the township, a few at
 * the county, a handful re-handled after an unsatisfied rating). Each case's
 * whole life is planned from a PRNG seeded with the county code and driven
 * through the case engine step by step (seed/shared/case-run.ts), then
 * replayed up to the reference date, so recent cases are still open and every
 * case is one the engine could have produced. The village, township and
 * county seeders each write their part of the same plan; they agree because
 * they compute the same plan.
 */
import { REHANDLING_LIMIT, ruleOf, type CaseAction, type Level } from '../../domain/case-engine.ts';
import { defaultDeadline } from '../../domain/deadlines.ts';
import { departmentName } from '../../domain/departments.ts';
import { RATING_ZH, reportNote } from '../../domain/labels.ts';
import { centreName, divisionName, gridCounts, readDivisions } from '../../domain/divisions.ts';
import { CaseRun, type LevelRecord, type Move, type PlannedDispatch, type PlannedStep, type VillageRecord } from './case-run.ts';
import { Random } from './random.ts';
import { personName, surnameFor } from './names.ts';

export type { LevelRecord, PlannedDispatch, PlannedStep, VillageRecord } from './case-run.ts';

export interface PlannedDispute {
  id: string;
  caseNumber: string;
  category: string;
  scale: 'ORDINARY' | 'MAJOR' | 'MASS';
  source: string;
  summary: string;
  villageCode: string;
  gridCode: string;
  countyCode: string;
  occurredAt: Date;
  reportedAt: Date;
  parties: { name: string; role: string }[];
  /** The case's rule (`deadline_rule`, as the demo database holds it). */
  rule: { contactMinutes: number; settleHours: number; replyHours: number };
  /** Steps up to the reference date, in the case's order (supervision notes in time among them). */
  steps: PlannedStep[];
  village: VillageRecord;
  /** The township's record, once the township received the case. */
  township?: LevelRecord;
  dispatches: PlannedDispatch[];
  /** The county's record, once the county received the case. */
  county?: LevelRecord;
}

const PER_147_PER_YEAR = 400;
const CATEGORIES: [string, number][] = [
  ['NEIGHBOUR', 25],
  ['FAMILY', 20],
  ['LAND_HOMESTEAD', 14],
  ['FOREST_GRASSLAND', 10],
  ['BOUNDARY', 6],
  ['RESOURCE_HARVESTING', 4],
  ['LABOUR_WAGES', 7],
  ['DAMAGES', 5],
  ['CONTRACT', 3],
  ['TRAFFIC', 2],
  ['LAND_REQUISITION', 2],
  ['OTHER', 2],
];
const SUMMARY: Record<string, string> = {
  NEIGHBOUR: '邻里因排水沟和院墙界限发生纠纷',
  FAMILY: '家庭成员因赡养老人问题发生矛盾',
  LAND_HOMESTEAD: '两户对宅基地边界存在争议',
  FOREST_GRASSLAND: '牧户之间因草场使用权发生争执',
  BOUNDARY: '相邻两村对地界认定不一致',
  RESOURCE_HARVESTING: '采挖虫草季节因采挖区域发生冲突',
  LABOUR_WAGES: '务工人员讨要拖欠工资',
  DAMAGES: '牲畜踩踏庄稼引发赔偿纠纷',
  CONTRACT: '土地流转合同履行发生争议',
  TRAFFIC: '农用车刮碰引发赔偿纠纷',
  LAND_REQUISITION: '征地补偿标准存在异议',
  OTHER: '其他矛盾纠纷',
};
const DEPT_FOR: Record<string, string[]> = {
  LAND_HOMESTEAD: ['NATURAL_RESOURCES', 'HOUSING'],
  FOREST_GRASSLAND: ['FORESTRY_GRASSLAND', 'NATURAL_RESOURCES'],
  BOUNDARY: ['NATURAL_RESOURCES', 'CIVIL_AFFAIRS'],
  LABOUR_WAGES: ['HUMAN_RESOURCES'],
  RESOURCE_HARVESTING: ['FORESTRY_GRASSLAND', 'POLICE'],
  LAND_REQUISITION: ['NATURAL_RESOURCES', 'HOUSING'],
  TRAFFIC: ['POLICE', 'TRANSPORT'],
  FAMILY: ['CIVIL_AFFAIRS', 'JUSTICE'],
  NEIGHBOUR: ['JUSTICE'],
  DAMAGES: ['AGRICULTURE'],
  CONTRACT: ['AGRICULTURE', 'JUSTICE'],
  OTHER: ['JUSTICE'],
};
const H = 3_600_000;
const D = 24 * H;
const M = 60_000;

export const VILLAGE_CENTRE = '村综治中心';
const REOPEN_NOTE = '不满意：当事人对处理结果有异议，要求重新办理';
/**
 * The 综治中心 that act on a village's cases: the township's and the county's by name, as the services name them
 * when they receive an escalation (centreName); the village's is its committee's centre.
 */
const centresOf = (village: string): Record<Level, string> => ({
  VILLAGE: VILLAGE_CENTRE,
  TOWNSHIP: centreName(village.slice(0, 9)),
  COUNTY: centreName(village.slice(0, 6)),
});

function uuidFrom(r: Random): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(r.next() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${'89ab'[Math.floor(r.next() * 4)]}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const villageCache = new Map<string, { code: string; grids: string[] }[]>();

/** The county's villages and demo grids, from the same directory data the village subgraph loads. */
function villagesOf(county: string): { code: string; grids: string[] }[] {
  let list = villageCache.get(county);
  if (!list) {
    const codes = readDivisions('villages', [county])
      .map((v) => v.code)
      .filter((c) => c.length === 12 && c.startsWith(county));
    const counts = gridCounts(codes);
    list = codes.map((code) => ({ code, grids: Array.from({ length: counts.get(code)! }, (_, i) => `${code}${String(i + 1).padStart(3, '0')}`) }));
    villageCache.set(county, list);
  }
  return list;
}

/** The county's name as the county subgraph loads it (departments are named after it). */
const countyName = (county: string): string => divisionName(county) || county;

/** The share of 吹哨 cases in which one department called never answers. */
const SILENT_DEPARTMENT = 0.1;

type Rating = 'SATISFIED' | 'BASICALLY_SATISFIED' | 'DISSATISFIED';

/**
 * Plans one case's whole life as moves, driving them through the engine as
 * it goes (a move the engine refuses throws). `r` is the county's PRNG: its
 * draws come in the same order whatever the case's path, so the figures stay
 * put; re-handling after an unsatisfied rating draws from `rh`, the case's own.
 */
function planLife(
  r: Random,
  rh: Random,
  quiet: Random,
  run: CaseRun,
  report: { at: number; category: string; note: string },
  departments: (kind: string) => string,
  centre: Record<Level, string>,
): Move[] {
  const [TOWNSHIP_CENTRE, COUNTY_CENTRE] = [centre.TOWNSHIP, centre.COUNTY];
  const moves: Move[] = [];
  let t = report.at;
  const add = (dt: number, level: Level, action: CaseAction | 'SUPERVISE', actor: string, note: string | null = null, extra: Partial<Move> = {}) => {
    t += dt;
    const m: Move = { at: t, level, action, actor, note, ...extra };
    run.take(m);
    moves.push(m);
  };
  const settleBy = () => run.story.settleBy!.getTime();
  const late = r.chance(0.07); // a few settle after their deadline
  const stuck = r.chance(0.02); // and a few are never settled: overdue, under supervision
  /** Time until resolution: within the deadline, or a little past it for late cases. */
  const within = (g: Random, isLate: boolean) =>
    isLate ? Math.max(H, settleBy() - t + g.int(6, 72) * H) : Math.max(H, Math.floor((settleBy() - t) * (0.2 + 0.6 * g.next())));
  add(0, 'VILLAGE', 'REPORT', '网格员', report.note);
  add(r.int(10, r.chance(0.05) ? 120 : 55) * M, 'VILLAGE', 'ACCEPT', VILLAGE_CENTRE, '已联系当事人');
  add(r.int(1, 6) * H, 'VILLAGE', 'ASSIGN', VILLAGE_CENTRE, '→ 村人民调解委员会', { assignee: '村人民调解委员会' });
  const path = r.weighted([
    ['VILLAGE', 80],
    ['TOWNSHIP', 15],
    ['COUNTY', 5],
  ] as const);
  let resolvedLevel: Level | null = null;
  let litigation = false;
  let resolveAfter = 0;
  add(r.int(2, 20) * H, 'VILLAGE', 'MEDIATE', VILLAGE_CENTRE, '组织双方调解');
  if (path === 'VILLAGE') {
    if (!stuck) {
      resolveAfter = within(r, late);
      resolvedLevel = 'VILLAGE';
    }
  } else {
    add(r.int(1, 12) * H, 'VILLAGE', 'ESCALATE', VILLAGE_CENTRE, '村级调解未果，上报乡镇');
    add(M, 'TOWNSHIP', 'RECEIVE', TOWNSHIP_CENTRE, '上报原因：村级调解未果，上报乡镇');
    add(r.int(10, 50) * M, 'TOWNSHIP', 'ACCEPT', TOWNSHIP_CENTRE);
    const kinds = r.sample(DEPT_FOR[report.category] ?? ['JUSTICE'], r.int(1, 2));
    if (r.chance(0.6)) {
      const called = kinds.map((kind) => ({ kind, name: departments(kind) }));
      add(r.int(1, 8) * H, 'TOWNSHIP', 'DISPATCH', TOWNSHIP_CENTRE, called.map((d) => d.name).join('、'), { departments: called });
      // Now and then a department never answers: once its report deadline has passed, the centre withdraws the dispatch
      // (撤回吹哨), or the case could be neither resolved nor escalated. Drawn from the case's own PRNG, as re-handling is.
      const silent = quiet.chance(SILENT_DEPARTMENT) ? called.at(-1) : undefined;
      for (const d of called) {
        // Drawn for the silent one too, so the county's PRNG stays in step whatever the departments do.
        const [acknowledgeAfter, reportAfter] = [r.int(1, 12) * H, r.int(4, 30) * H];
        if (d === silent) continue;
        add(acknowledgeAfter, 'TOWNSHIP', 'DEPARTMENT_ACKNOWLEDGE', d.name, null, { kind: d.kind });
        add(reportAfter, 'TOWNSHIP', 'DEPARTMENT_REPORT', d.name, '已核实并提出处理意见', { kind: d.kind });
      }
      if (silent) {
        const due = run.dispatches.find((x) => x.kind === silent.kind)!.reportBy.getTime();
        const reason = '部门逾期未反馈，改由乡镇协调';
        add(Math.max(due - t, 0) + quiet.int(1, 24) * H, 'TOWNSHIP', 'WITHDRAW_DISPATCH', TOWNSHIP_CENTRE, `${silent.name} — ${reason}`, {
          kind: silent.kind,
          reason,
        });
      }
    } else {
      add(r.int(1, 8) * H, 'TOWNSHIP', 'ASSIGN', TOWNSHIP_CENTRE, '→ 乡镇司法所', { assignee: '乡镇司法所' });
    }
    add(r.int(2, 24) * H, 'TOWNSHIP', 'MEDIATE', '乡镇司法所', '召集双方及相关部门联合调解');
    if (path === 'TOWNSHIP') {
      if (!stuck) {
        resolveAfter = within(r, late);
        resolvedLevel = 'TOWNSHIP';
      }
    } else {
      add(r.int(2, 24) * H, 'TOWNSHIP', 'ESCALATE', TOWNSHIP_CENTRE, `乡镇调处未果，上报${COUNTY_CENTRE}`);
      add(M, 'COUNTY', 'RECEIVE', COUNTY_CENTRE, `上报原因：乡镇调处未果，上报${COUNTY_CENTRE}`);
      add(r.int(10, 50) * M, 'COUNTY', 'ACCEPT', COUNTY_CENTRE);
      add(r.int(2, 12) * H, 'COUNTY', 'ASSIGN', COUNTY_CENTRE, '→ 县司法局', { assignee: '县司法局' });
      if (!stuck) {
        litigation = r.chance(0.3);
        resolveAfter = within(r, late);
        resolvedLevel = 'COUNTY';
      }
    }
  }
  if (resolvedLevel) {
    const outcome = litigation ? 'LITIGATION' : r.chance(0.05) ? 'WITHDRAWN' : 'AGREEMENT';
    add(resolveAfter, resolvedLevel, 'RESOLVE', centre[resolvedLevel], litigation ? '引导诉讼 (referred to court)' : '达成调解协议', { outcome });
    let rating: Rating = r.weighted([
      ['SATISFIED', 92],
      ['BASICALLY_SATISFIED', 6],
      ['DISSATISFIED', 2],
    ] as const);
    let rateAfter = r.int(2, 20) * H;
    const closeAfter = r.int(1, 3) * D;
    const followUpAfter = r.int(7, 20) * D;
    // 群众评价 不满意: the level that resolved it handles it again (up to REHANDLING_LIMIT rounds; then the rating stands).
    while (rating === 'DISSATISFIED' && run.story.rehandled < REHANDLING_LIMIT) {
      // The rating's note travels with the reopening (case.reopened) to the level that resolved it.
      add(rateAfter, 'VILLAGE', 'REOPEN', VILLAGE_CENTRE, REOPEN_NOTE, { rating });
      if (resolvedLevel !== 'VILLAGE') add(M, resolvedLevel, 'REOPEN', centre[resolvedLevel], REOPEN_NOTE);
      // A township case its departments resolved (吹哨, no 分流) comes back to the desk, which hands it on first.
      if (resolvedLevel === 'TOWNSHIP' && run.township?.status === 'ACCEPTED') {
        add(30 * M, 'TOWNSHIP', 'ASSIGN', centre.TOWNSHIP, '→ 乡镇司法所', { assignee: '乡镇司法所' });
      }
      if (resolvedLevel !== 'COUNTY') add(rh.int(4, 48) * H, resolvedLevel, 'MEDIATE', centre[resolvedLevel], '再次组织双方调解');
      add(within(rh, rh.chance(0.1)), resolvedLevel, 'RESOLVE', centre[resolvedLevel], '重新调解，达成协议', { outcome: 'AGREEMENT' });
      rating = rh.weighted([
        ['SATISFIED', 55],
        ['BASICALLY_SATISFIED', 30],
        ['DISSATISFIED', 15],
      ] as const);
      rateAfter = rh.int(2, 20) * H;
    }
    add(rateAfter, 'VILLAGE', 'RATE', VILLAGE_CENTRE, RATING_ZH[rating] ?? rating, { rating });
    add(closeAfter, 'VILLAGE', 'CLOSE', VILLAGE_CENTRE, '办结归档');
    add(followUpAfter, 'VILLAGE', 'FOLLOW_UP', VILLAGE_CENTRE, '回访：协议履行良好');
  } else if (stuck) {
    // Past its deadline: the county supervises (督办).
    add(Math.max(settleBy() - t, 0) + r.int(1, 3) * D, 'COUNTY', 'SUPERVISE', COUNTY_CENTRE, '超期未化解，督促办理');
  }
  return moves;
}

/** `perVillage`: disputes per village per year (临潭县: 400 / 147). */
export function planCountyDisputes(county: string, refDate: string, perVillage = PER_147_PER_YEAR / 147): PlannedDispute[] {
  const r = new Random(`disputes-${county}`);
  const villages = villagesOf(county);
  if (!villages.length) return [];
  const name = countyName(county);
  const departments = (kind: string) => departmentName(name, kind);
  const refMs = Date.parse(`${refDate}T23:59:59+08:00`);
  const startMs = refMs - 365 * D;
  const total = Math.round(perVillage * villages.length);
  const reports = Array.from({ length: total }, () => startMs + Math.floor(r.next() * 365 * D)).sort((a, b) => a - b);
  const seqByYear = new Map<number, number>();
  const out: PlannedDispute[] = [];
  for (const reportedMs of reports) {
    const v = r.pick(villages);
    const grid = r.pick(v.grids);
    const category = r.weighted(CATEGORIES);
    const scale = r.weighted([
      ['ORDINARY', 90],
      ['MAJOR', 8],
      ['MASS', 2],
    ] as const);
    // The demo database's deadline_rule holds exactly these defaults (village migration …04Disputes).
    const { contactMinutes, settleHours, replyHours } = defaultDeadline(category, scale);
    const rule = { contactMinutes, settleHours, replyHours };
    const year = new Date(reportedMs + 8 * H).getUTCFullYear();
    const seq = (seqByYear.get(year) ?? 0) + 1;
    seqByYear.set(year, seq);
    const ethnicity = county === '513328' ? '藏族' : '汉族';
    const parties = [
      { name: personName(r, ethnicity, r.chance(0.6), surnameFor(r, ethnicity)), role: 'APPLICANT' },
      { name: personName(r, ethnicity, r.chance(0.6), surnameFor(r, ethnicity)), role: 'RESPONDENT' },
    ];
    const id = uuidFrom(r);
    const source = r.weighted([
      ['GRID_INSPECTION', 40],
      ['WALK_IN', 25],
      ['HOTLINE', 12],
      ['PATROL', 12],
      ['POLICE_REFERRAL', 8],
      ['COURT_REFERRAL', 3],
    ] as const);
    const occurredAt = new Date(reportedMs - r.int(1, 72) * H);
    const summary = SUMMARY[category]!;
    const moves = planLife(
      r,
      new Random(`rehandling-${id}`),
      new Random(`dispatch-${id}`),
      new CaseRun(rule),
      { at: reportedMs, category, note: reportNote(source, summary) },
      departments,
      centresOf(v.code),
    );
    // What had happened by the reference date, replayed through the engine: the records as the levels hold them then,
    // with every event delivered (a receipt or reopening that follows a step of that day lands too: no case stays in transit).
    const run = new CaseRun(rule);
    for (const [i, m] of moves.entries()) {
      if (m.at > refMs && !(m.action !== 'SUPERVISE' && ruleOf(m.level, m.action)?.role === 'EVENT' && moves[i - 1]!.at <= refMs)) break;
      run.take(m);
    }
    out.push({
      id,
      caseNumber: `${county}-${year}-${String(seq).padStart(6, '0')}`,
      category,
      scale,
      source,
      summary,
      villageCode: v.code,
      gridCode: grid,
      countyCode: county,
      occurredAt,
      reportedAt: new Date(reportedMs),
      parties,
      rule,
      steps: run.steps,
      village: run.village,
      ...(run.township ? { township: run.township } : {}),
      dispatches: run.dispatches,
      ...(run.county ? { county: run.county } : {}),
    });
  }
  return out;
}
