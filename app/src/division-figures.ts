/// <reference lib="dom" />
/** A division's figures as the page draws them: the headline cards, the children's table, the trend, the assessment, the downloads. */
import { change, esc, num, pct, points, rateOf } from './format.ts';
import { INDICATOR, REPORTS } from './labels.ts';
import { divisionHref, known } from './page.ts';
import { months, monthName, period, today, yearLong, type Period } from './period.ts';
import { CHILD_ZH, type Division, type Head, type ReportLevel, type Row } from './division.ts';

interface Figure {
  key: string;
  label: string;
  value: number;
  text: string;
  note: string;
}

/** Residents with a tag, added up; -1 when the counts are withheld from the caller (a report-only token below the township). */
const specialOf = (p: { byTag: { count: number }[]; byTagWithheld: boolean }) => (p.byTagWithheld ? -1 : p.byTag.reduce((s, t) => s + t.count, 0));
/** The count as the page shows it: 不提供 where it is withheld, never a 0 the division does not have. */
const specialText = (p: { byTag: { count: number }[]; byTagWithheld: boolean }) => (p.byTagWithheld ? '不提供' : num(specialOf(p)));

/**
 * The headline figures. People, households and forces are counted as they stand today, whatever the period (the
 * assessment leaves them out of a past period's 考核): for a period that ended before today their cards say so.
 */
export function figures(h: Head, p: Period): Figure[] {
  const past = p.to < today;
  const { population: po, forces: f, patrolStats: ps, hazardStats: hs, disputeStats: ds } = h;
  const vs = (now: number, prev: number, ago: number) => (yearLong(p) ? `同比 ${change(now, ago)}` : `环比 ${change(now, prev)} · 同比 ${change(now, ago)}`);
  const standing = (note: string) => (past ? `${note} · 现状，不随统计期` : note);
  return [
    {
      key: 'residents',
      label: '实有人口',
      value: po.residents,
      text: num(po.residents),
      note: standing(`${num(po.households)} 户 · 流动人口 ${num(po.floating)}`),
    },
    {
      key: 'special',
      label: '特殊人群（人次）',
      value: specialOf(po),
      text: specialText(po),
      note: po.byTagWithheld ? '村、网格及只辖一个村的乡镇的特殊人群数不向仅统计权限提供（其余乡镇及以上如实）' : standing('重点人员与关爱对象'),
    },
    {
      key: 'gridsFullyStaffed',
      label: '网格配齐 1+3+N',
      value: f.gridsFullyStaffed,
      text: `${num(f.gridsFullyStaffed)} / ${num(f.grids)}`,
      note: standing(`网格员 ${num(f.gridWorkers)} 人`),
    },
    {
      key: 'householdCoverage',
      label: '十户联防覆盖率',
      value: f.householdCoverage,
      text: rateOf(f.householdCoverage, po.households),
      note: standing(po.households ? `${num(f.jointDefenseGroups)} 个联防组 · 入组 ${num(f.householdsInGroups)} 户` : '辖区暂无登记的户'),
    },
    {
      key: 'patrolForces',
      label: '群防群治巡防力量',
      value: f.patrolMembers,
      text: `${num(f.patrolMembers)} 人`,
      note: standing(`${num(f.patrolTeams)} 支巡防队（红袖标等）`),
    },
    {
      key: 'patrols',
      label: '巡防次数',
      value: ps.patrols,
      text: num(ps.patrols),
      note: `${vs(ps.patrols, ps.previous.patrols, ps.yearAgo.patrols)} · 本期 ${num(Math.round(ps.patrolHours))} 小时`,
    },
    {
      key: 'hazards',
      label: '上报隐患',
      value: hs.reported,
      text: num(hs.reported),
      // Of the period's hazards, from every source (patrols, grid workers, drones, citizens), where they stand now.
      note: `未整改 ${num(hs.open)} · 待验收 ${num(hs.awaitingVerification)} · 巡逻发现 ${num(ps.hazardsFound)} · ${vs(hs.reported, hs.previous.reported, hs.yearAgo.reported)}`,
    },
    {
      key: 'reported',
      label: '受理纠纷',
      value: ds.reported,
      text: num(ds.reported),
      // Reports declined at intake (不予受理) count in no figure: named beside the count they were kept out of.
      note: `${vs(ds.reported, ds.previous.reported, ds.yearAgo.reported)}${ds.declined ? ` · 另不予受理 ${num(ds.declined)} 件，不计入` : ''}`,
    },
    { key: 'resolved', label: '化解纠纷', value: ds.resolved, text: num(ds.resolved), note: `本期案件在办 ${num(ds.open)} · 超期 ${num(ds.overdue)}` },
    {
      key: 'resolutionRate',
      label: '化解率',
      value: ds.resolutionRate,
      text: rateOf(ds.resolutionRate, ds.reported),
      note: ds.reported
        ? yearLong(p)
          ? `同比 ${ds.yearAgo.reported ? points(ds.resolutionRate, ds.yearAgo.resolutionRate) : '—'}`
          : `环比 ${ds.previous.reported ? points(ds.resolutionRate, ds.previous.resolutionRate) : '—'}`
        : '本期无受理纠纷',
    },
    {
      key: 'onTimeRate',
      label: '按期化解率',
      value: ds.onTimeRate,
      text: rateOf(ds.onTimeRate, ds.resolved),
      note: ds.resolved ? '按期化解 / 化解' : '本期无化解纠纷',
    },
    {
      key: 'satisfactionRate',
      label: '群众满意率',
      value: ds.satisfactionRate,
      text: rateOf(ds.satisfactionRate, ds.rated),
      note: ds.rated ? `满意与基本满意 / 已评价 ${num(ds.rated)} 件` : ds.resolved ? '化解的纠纷尚无评价' : '本期无化解纠纷',
    },
  ];
}

interface Column {
  key: string;
  zh: string;
  value: (r: Row) => number | string;
  show: (r: Row) => string;
}
export const COLUMNS: Column[] = [
  { key: 'name', zh: '名称', value: (r) => r.name, show: (r) => `<a href="#/division/${esc(r.code)}">${esc(r.name)}</a>` },
  { key: 'residents', zh: '实有人口', value: (r) => r.population.residents, show: (r) => num(r.population.residents) },
  { key: 'special', zh: '特殊人群', value: (r) => specialOf(r.population), show: (r) => specialText(r.population) },
  // By the share of grids fully staffed, as 网格配强率 is read: 30 of 30 before 114 of 120.
  {
    key: 'staffed',
    zh: '配齐网格',
    value: (r) => (r.forces.grids ? r.forces.gridsFullyStaffed / r.forces.grids : -1),
    show: (r) => `${num(r.forces.gridsFullyStaffed)} / ${num(r.forces.grids)}`,
  },
  { key: 'coverage', zh: '联防覆盖率', value: (r) => r.forces.householdCoverage, show: (r) => rateOf(r.forces.householdCoverage, r.population.households) },
  { key: 'patrols', zh: '巡防', value: (r) => r.patrolStats.patrols, show: (r) => num(r.patrolStats.patrols) },
  { key: 'hazards', zh: '隐患', value: (r) => r.hazardStats.reported, show: (r) => num(r.hazardStats.reported) },
  { key: 'openHazards', zh: '未整改隐患', value: (r) => r.hazardStats.open, show: (r) => num(r.hazardStats.open) },
  { key: 'reported', zh: '受理', value: (r) => r.disputeStats.reported, show: (r) => num(r.disputeStats.reported) },
  { key: 'resolved', zh: '化解', value: (r) => r.disputeStats.resolved, show: (r) => num(r.disputeStats.resolved) },
  {
    key: 'resolutionRate',
    zh: '化解率',
    value: (r) => r.disputeStats.resolutionRate,
    show: (r) => rateOf(r.disputeStats.resolutionRate, r.disputeStats.reported),
  },
  { key: 'overdue', zh: '超期', value: (r) => r.disputeStats.overdue, show: (r) => num(r.disputeStats.overdue) },
];

/**
 * The divisions a report of a level lists, as its download buttons name them: a province's reports list its
 * counties (reports have no prefecture level), not the prefectures its table shows.
 */
export const REPORT_LEVEL_ZH: Record<ReportLevel, string> = { county: '下辖县（市、区）', township: '下辖乡镇', village: '下辖村（社区）' };

export function downloads(d: Division, title: string): string {
  return reportButtons(
    REPORTS.filter((r) => !r.levels || r.levels.includes(d.report.level)),
    d.report,
    title,
  );
}

/**
 * 吹哨报到·分部门's own rows as files: the division's dispatches by department, as its table shows them (the report at
 * the division's own level, not its children's), for the period shown.
 */
export function dispatchDownloads(d: Division & { kind: 'county' | 'township' }): string {
  return reportButtons(
    REPORTS.filter((r) => r.name === 'dispatches'),
    { level: d.kind, within: d.code },
    d.name,
  );
}

/**
 * A report's two downloads. Each button's name says which table it downloads and ends with the words it shows (a voice
 * user says what they see): outside brackets, which name-matching drops as an aside.
 */
function reportButtons(reports: typeof REPORTS, of: Division['report'], title: string): string {
  const p = period();
  const q = (needsPeriod: boolean) => `within=${of.within}&level=${of.level}${needsPeriod ? `&from=${p.from}&to=${p.to}` : ''}`;
  return `
    <div class="downloads" role="group" aria-label="${esc(title)}下载">
      ${reports
        .map((r) => {
          const path = `/reports/${r.name}`;
          const query = q(r.needsPeriod);
          return `<span class="report"><span class="report-name">${esc(r.zh)}</span>
          <button type="button" class="small" data-download="${path}.xlsx?${query}" aria-label="下载${esc(title)}${esc(r.zh)}表：XLSX 表格" title="Excel 表格：中文表头，供阅读、打印">XLSX 表格</button>
          <button type="button" class="small" data-download="${path}.csv?${query}" aria-label="下载${esc(title)}${esc(r.zh)}表：CSV 数据" title="CSV 数据：英文列名、原始数值，供程序读取">CSV 数据</button></span>`;
        })
        .join('')}
    </div>`;
}

export function childrenTable(d: Division, sort: { key: string; asc: boolean }): string {
  const col = COLUMNS.find((c) => c.key === sort.key) ?? COLUMNS[0]!;
  const rows = d.rows.slice().sort((a, b) => {
    const x = col.value(a);
    const y = col.value(b);
    const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), 'zh-Hans-CN');
    return sort.asc ? c : -c;
  });
  // A column's button is named by its heading as shown (a voice user says what they see); the order is said by the
  // heading's aria-sort, and the arrow shows it to the eye.
  const head = COLUMNS.map((c) => {
    const state = c.key === col.key ? (sort.asc ? 'ascending' : 'descending') : 'none';
    return `<th scope="col" aria-sort="${state}"><button type="button" class="sort" data-sort="${c.key}" title="按${esc(c.zh)}排序">${esc(c.zh)}${
      state === 'none' ? '' : `<span aria-hidden="true">${state === 'ascending' ? ' ▲' : ' ▼'}</span>`
    }</button></th>`;
  }).join('');
  const body = rows
    .map((r) => `<tr data-code="${esc(r.code)}">${COLUMNS.map((c, i) => (i ? `<td>${c.show(r)}</td>` : `<th scope="row">${c.show(r)}</th>`)).join('')}</tr>`)
    .join('');
  return `<table class="children"><caption class="visually-hidden">${esc(CHILD_ZH[d.kind])}</caption><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

export function trendTable(h: Head): string {
  const ms = [h.m0, h.m1, h.m2, h.m3, h.m4, h.m5, h.m6, h.m7, h.m8, h.m9, h.m10, h.m11];
  return `<table class="trend">
    <caption class="visually-hidden">按月受理与化解</caption>
    <thead><tr><th scope="col">月份</th><th scope="col">受理</th><th scope="col">化解</th><th scope="col">化解率</th><th scope="col">环比（受理）</th><th scope="col">同比（受理）</th></tr></thead>
    <tbody>${ms
      .map(
        (m, i) =>
          `<tr><th scope="row">${esc(monthName(months[i]!))}</th><td>${num(m.reported)}</td><td>${num(m.resolved)}</td><td>${rateOf(m.resolutionRate, m.reported)}</td><td>${change(
            m.reported,
            m.previous.reported,
          )}</td><td>${change(m.reported, m.yearAgo.reported)}</td></tr>`,
      )
      .join('')}</tbody></table>`;
}

/** 达标, 未达标, or 不参与考核 when there was nothing to measure (no case in the period, no household, a past period for the forces). */
function verdict(met: boolean | null | undefined, basis: number): string {
  if (met == null) return `<span class="badge" title="${basis ? '登记数据只反映当前，无法考核已结束的期间' : '本期没有可计算的对象'}">— 不参与考核</span>`;
  return `<span class="badge ${met ? 'met' : 'unmet'}">${met ? '✓ 达标' : '✗ 未达标'}</span>`;
}

export function assessmentTable(h: Head): string {
  if (!h.assessment.length) return '<p>本期没有考核指标。</p>';
  return `<table class="assessment">
    <caption class="visually-hidden">考核目标与实际</caption>
    <thead><tr><th scope="col">指标</th><th scope="col">目标</th><th scope="col">实际</th><th scope="col">结果</th><th scope="col">目标来源</th></tr></thead>
    <tbody>${h.assessment
      .map(
        (a) =>
          `<tr data-indicator="${a.indicator}" data-met="${a.met}"><th scope="row">${esc(INDICATOR[a.indicator])}</th><td>${pct(a.target)}</td><td>${
            a.actual == null ? '—' : pct(a.actual)
          }</td><td>${verdict(a.met, a.basis)}</td><td>${a.targetSetBy ? esc(known.get(divisionHref(a.targetSetBy)) ?? a.targetSetBy) : '全国默认'}（${a.year}年度）</td></tr>`,
      )
      .join('')}</tbody></table>`;
}
