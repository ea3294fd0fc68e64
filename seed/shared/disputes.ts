/**
 * Deterministic demo disputes for a county: the twelve months before the
 * reference date, shaped like the seeds' figures (临潭县: about 400 a year,
 * about 95% resolved, most in the village, fewer in the township, a few at
 * the county). Each case's whole life is planned from a PRNG seeded with the
 * county code, then cut at the reference date, so recent cases are still
 * open. The village, township and county seeders each write their part of
 * the same plan; they agree because they compute the same plan.
 */
import { defaultDeadline } from '../../domain/deadlines.ts';
import { DEPARTMENTS } from '../../domain/departments.ts';
import { gridCounts, readDivisions } from '../../domain/divisions.ts';
import { Random } from './random.ts';
import { personName, surnameFor } from './names.ts';

export type Level = 'VILLAGE' | 'TOWNSHIP' | 'COUNTY';

export interface PlannedStep {
  at: Date;
  level: Level;
  action: string;
  actor: string;
  note: string | null;
  status: string;
}

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
  /** Steps up to the reference date, in time order. */
  steps: PlannedStep[];
  village: Record<string, unknown>;
  township?: {
    status: string;
    receivedAt: Date;
    escalatedAt: Date;
    settleBy: Date;
    assignee: string | null;
    outcome: string | null;
    resolvedAt: Date | null;
    supervisedAt: Date | null;
  };
  dispatches: { kind: string; name: string; dispatchedAt: Date; acknowledgedAt: Date | null; reportedAt: Date | null; report: string | null }[];
  county?: { status: string; receivedAt: Date; escalatedAt: Date; settleBy: Date; assignee: string | null; outcome: string | null; resolvedAt: Date | null };
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
const DEPT_NAME = new Map(DEPARTMENTS);
const H = 3_600_000;
const D = 24 * H;

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

/** `perVillage`: disputes per village per year (临潭县: 400 / 147). */
export function planCountyDisputes(county: string, refDate: string, perVillage = PER_147_PER_YEAR / 147): PlannedDispute[] {
  const r = new Random(`disputes-${county}`);
  const villages = villagesOf(county);
  if (!villages.length) return [];
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
    const rule = defaultDeadline(category, scale);
    const year = new Date(reportedMs + 8 * H).getUTCFullYear();
    const seq = (seqByYear.get(year) ?? 0) + 1;
    seqByYear.set(year, seq);
    const ethnicity = county === '513328' ? '藏族' : '汉族';
    const parties = [
      { name: personName(r, ethnicity, r.chance(0.6), surnameFor(r, ethnicity)), role: 'APPLICANT' },
      { name: personName(r, ethnicity, r.chance(0.6), surnameFor(r, ethnicity)), role: 'RESPONDENT' },
    ];
    const steps: PlannedStep[] = [];
    let t = reportedMs;
    const add = (dt: number, level: Level, action: string, status: string, actor: string, note: string | null = null) => {
      t += dt;
      steps.push({ at: new Date(t), level, action, actor, note, status });
    };
    const villageActor = '村综治中心';
    const dispute: PlannedDispute = {
      id: uuidFrom(r),
      caseNumber: `${county}-${year}-${String(seq).padStart(6, '0')}`,
      category,
      scale,
      source: r.weighted([
        ['GRID_INSPECTION', 40],
        ['WALK_IN', 25],
        ['HOTLINE', 12],
        ['PATROL', 12],
        ['POLICE_REFERRAL', 8],
        ['COURT_REFERRAL', 3],
      ] as const),
      summary: SUMMARY[category]!,
      villageCode: v.code,
      gridCode: grid,
      countyCode: county,
      occurredAt: new Date(reportedMs - r.int(1, 72) * H),
      reportedAt: new Date(reportedMs),
      parties,
      steps,
      village: {},
      dispatches: [],
    };
    let settleBy = reportedMs + rule.settleHours * H;
    const late = r.chance(0.07); // a few settle after their deadline
    const stuck = r.chance(0.02); // and a few are never settled: overdue, under supervision
    const within = (limitMs: number) => (late ? limitMs - t + r.int(6, 72) * H : Math.max(H, Math.floor((limitMs - t) * (0.2 + 0.6 * r.next()))));
    add(0, 'VILLAGE', 'REPORT', 'REPORTED', '网格员');
    add(r.int(10, r.chance(0.05) ? 120 : 55) * 60_000, 'VILLAGE', 'ACCEPT', 'ACCEPTED', villageActor, '已联系当事人');
    const acceptedAt = t;
    add(r.int(1, 6) * H, 'VILLAGE', 'ASSIGN', 'ASSIGNED', villageActor, '→ 村人民调解委员会');
    const path = r.weighted([
      ['VILLAGE', 80],
      ['TOWNSHIP', 15],
      ['COUNTY', 5],
    ] as const);
    let resolvedLevel: Level | null = null;
    let outcome: string | null = null;
    let resolvedAt: number | null = null;
    const v2: Record<string, unknown> = { accepted_at: new Date(acceptedAt), assignee: '村人民调解委员会' };
    add(r.int(2, 20) * H, 'VILLAGE', 'MEDIATE', 'MEDIATING', villageActor, '组织双方调解');
    if (path === 'VILLAGE') {
      if (!stuck) {
        add(within(settleBy), 'VILLAGE', 'RESOLVE', 'RESOLVED', villageActor, '达成调解协议');
        resolvedLevel = 'VILLAGE';
      }
    } else {
      add(r.int(1, 12) * H, 'VILLAGE', 'ESCALATE', 'ESCALATED', villageActor, '村级调解未果，上报乡镇');
      const escalatedAt = t;
      v2.escalated_to_township_at = new Date(escalatedAt);
      settleBy = escalatedAt + rule.settleHours * H;
      const tw = {
        status: 'RECEIVED',
        receivedAt: new Date(escalatedAt + 60_000),
        escalatedAt: new Date(escalatedAt),
        settleBy: new Date(settleBy),
        assignee: null as string | null,
        outcome: null as string | null,
        resolvedAt: null as Date | null,
        supervisedAt: null as Date | null,
      };
      dispute.township = tw;
      add(60_000, 'TOWNSHIP', 'RECEIVE', 'RECEIVED', '乡镇综治中心');
      add(r.int(10, 50) * 60_000, 'TOWNSHIP', 'ACCEPT', 'ACCEPTED', '乡镇综治中心');
      const kinds = r.sample(DEPT_FOR[category] ?? ['JUSTICE'], r.int(1, 2));
      if (r.chance(0.6)) {
        add(r.int(1, 8) * H, 'TOWNSHIP', 'DISPATCH', 'ASSIGNED', '乡镇综治中心', `吹哨: ${kinds.map((k) => DEPT_NAME.get(k)).join('、')}`);
        for (const k of kinds) {
          const disp = {
            kind: k,
            name: DEPT_NAME.get(k)!,
            dispatchedAt: new Date(t),
            acknowledgedAt: null as Date | null,
            reportedAt: null as Date | null,
            report: null as string | null,
          };
          add(r.int(1, 12) * H, 'TOWNSHIP', 'DEPARTMENT_ACKNOWLEDGE', 'ASSIGNED', DEPT_NAME.get(k)!);
          disp.acknowledgedAt = new Date(t);
          add(r.int(4, 30) * H, 'TOWNSHIP', 'DEPARTMENT_REPORT', 'ASSIGNED', DEPT_NAME.get(k)!, '已核实并提出处理意见');
          disp.reportedAt = new Date(t);
          disp.report = '已核实并提出处理意见';
          dispute.dispatches.push(disp);
        }
      } else {
        add(r.int(1, 8) * H, 'TOWNSHIP', 'ASSIGN', 'ASSIGNED', '乡镇综治中心', '→ 乡镇司法所');
        tw.assignee = '乡镇司法所';
      }
      add(r.int(2, 24) * H, 'TOWNSHIP', 'MEDIATE', 'MEDIATING', '乡镇司法所', '召集双方及相关部门联合调解');
      if (path === 'TOWNSHIP') {
        if (!stuck) {
          add(within(settleBy), 'TOWNSHIP', 'RESOLVE', 'RESOLVED', '乡镇综治中心', '达成调解协议');
          resolvedLevel = 'TOWNSHIP';
        }
      } else {
        add(r.int(2, 24) * H, 'TOWNSHIP', 'ESCALATE', 'ESCALATED', '乡镇综治中心', '乡镇调处未果，上报县综治中心');
        const toCounty = t;
        v2.escalated_to_county_at = new Date(toCounty);
        settleBy = toCounty + 72 * H;
        const ct = {
          status: 'RECEIVED',
          receivedAt: new Date(toCounty + 60_000),
          escalatedAt: new Date(toCounty),
          settleBy: new Date(settleBy),
          assignee: null as string | null,
          outcome: null as string | null,
          resolvedAt: null as Date | null,
        };
        dispute.county = ct;
        add(60_000, 'COUNTY', 'RECEIVE', 'RECEIVED', '县综治中心');
        add(r.int(10, 50) * 60_000, 'COUNTY', 'ACCEPT', 'ACCEPTED', '县综治中心');
        add(r.int(2, 12) * H, 'COUNTY', 'ASSIGN', 'ASSIGNED', '县综治中心', '→ 县司法局');
        ct.assignee = '县司法局';
        if (!stuck) {
          const lit = r.chance(0.3);
          add(within(settleBy), 'COUNTY', 'RESOLVE', 'RESOLVED', '县综治中心', lit ? '引导诉讼 (referred to court)' : '达成调解协议');
          resolvedLevel = 'COUNTY';
          if (lit) outcome = 'LITIGATION';
        }
      }
    }
    if (resolvedLevel) {
      outcome ??= r.chance(0.05) ? 'WITHDRAWN' : 'AGREEMENT';
      resolvedAt = t;
      const rating = r.weighted([
        ['SATISFIED', 92],
        ['BASICALLY_SATISFIED', 6],
        ['DISSATISFIED', 2],
      ] as const);
      add(r.int(2, 20) * H, 'VILLAGE', 'RATE', 'RATED', villageActor, rating);
      v2.rating = rating;
      add(r.int(1, 3) * D, 'VILLAGE', 'CLOSE', 'CLOSED', villageActor, '办结归档');
      add(r.int(7, 20) * D, 'VILLAGE', 'FOLLOW_UP', 'FOLLOWED_UP', villageActor, '回访：协议履行良好');
    } else if (stuck) {
      // Past its deadline: the county supervises (督办).
      add(Math.max(settleBy - t, 0) + r.int(1, 3) * D, 'COUNTY', 'SUPERVISE', '', '县综治中心', '超期未化解，督促办理');
    }
    // Cut at the reference date: what had happened by then.
    dispute.steps = steps.filter((s) => s.at.getTime() <= refMs);
    const seen = (action: string, level?: Level) => dispute.steps.some((s) => s.action === action && (!level || s.level === level));
    const stepAt = (action: string, level?: Level) => dispute.steps.find((s) => s.action === action && (!level || s.level === level))?.at ?? null;
    const lastStatus = (level: Level) => [...dispute.steps].reverse().find((s) => s.level === level && s.status)?.status;
    const resolved = resolvedLevel && seen('RESOLVE', resolvedLevel);
    let status = lastStatus('VILLAGE') ?? 'REPORTED';
    if (status === 'ESCALATED' && resolved) status = 'RESOLVED';
    const handling: Level = v2.escalated_to_county_at && seen('ESCALATE', 'TOWNSHIP') ? 'COUNTY' : seen('ESCALATE', 'VILLAGE') ? 'TOWNSHIP' : 'VILLAGE';
    dispute.village = {
      status,
      handling_level: handling,
      assignee: v2.assignee,
      accepted_at: stepAt('ACCEPT', 'VILLAGE'),
      escalated_to_township_at: stepAt('ESCALATE', 'VILLAGE'),
      escalated_to_county_at: stepAt('ESCALATE', 'TOWNSHIP'),
      outcome: resolved ? outcome : null,
      resolved_level: resolved ? resolvedLevel : null,
      resolved_at: resolved ? new Date(resolvedAt!) : null,
      rating: seen('RATE') ? v2.rating : null,
      rated_at: stepAt('RATE'),
      closed_at: stepAt('CLOSE'),
      followed_up_at: stepAt('FOLLOW_UP'),
      contact_by: new Date(reportedMs + rule.contactMinutes * 60_000),
      // Each level gets its own time to settle, from when the case reached it.
      settle_by: new Date(
        handling === 'VILLAGE'
          ? reportedMs + rule.settleHours * H
          : handling === 'TOWNSHIP'
            ? stepAt('ESCALATE', 'VILLAGE')!.getTime() + rule.settleHours * H
            : stepAt('ESCALATE', 'TOWNSHIP')!.getTime() + 72 * H,
      ),
      in_transit: handling !== 'VILLAGE' && !seen('RECEIVE', handling),
      reply_by: resolved ? new Date(resolvedAt! + rule.replyHours * H) : null,
      supervised_at: stepAt('SUPERVISE'),
    };
    for (const s of dispute.steps) if (s.action === 'SUPERVISE') s.status = status;
    if (dispute.township) {
      if (!seen('RECEIVE', 'TOWNSHIP')) dispute.township = undefined;
      else {
        dispute.township.status = lastStatus('TOWNSHIP')!;
        dispute.township.outcome = resolvedLevel === 'TOWNSHIP' && resolved ? outcome : null;
        dispute.township.resolvedAt = resolvedLevel === 'TOWNSHIP' && resolved ? new Date(resolvedAt!) : null;
        dispute.township.supervisedAt = handling === 'TOWNSHIP' ? stepAt('SUPERVISE') : null;
        dispute.dispatches = dispute.dispatches
          .filter((d) => d.dispatchedAt.getTime() <= refMs)
          .map((d) => ({
            ...d,
            acknowledgedAt: d.acknowledgedAt && d.acknowledgedAt.getTime() <= refMs ? d.acknowledgedAt : null,
            reportedAt: d.reportedAt && d.reportedAt.getTime() <= refMs ? d.reportedAt : null,
            report: d.reportedAt && d.reportedAt.getTime() <= refMs ? d.report : null,
          }));
      }
    }
    if (dispute.county) {
      if (!seen('RECEIVE', 'COUNTY')) dispute.county = undefined;
      else {
        dispute.county.status = lastStatus('COUNTY')!;
        dispute.county.outcome = resolvedLevel === 'COUNTY' && resolved ? outcome : null;
        dispute.county.resolvedAt = resolvedLevel === 'COUNTY' && resolved ? new Date(resolvedAt!) : null;
      }
    }
    out.push(dispute);
  }
  return out;
}
