/// <reference lib="dom" />
/**
 * 分析研判室 The analysis room: any division from province to village at a
 * glance (headline figures, early warnings 苗头预警, monthly trend with
 * 同比/环比, the children to drill into, assessment against targets, and for
 * callers with `read` the overdue and supervised cases). Routes live in the
 * URL fragment:
 *   #/division/<code>   2, 4, 6, 9 or 12 digits
 *   #/case/<id>         one case's timeline
 *   #token=<jwt>        sign-in link (npm start prints it); the token moves to
 *                       sessionStorage and leaves the address bar at once.
 * Served by gateway/src/app.ts; see README "The analysis room".
 */
import { VILLAGE_CLOSED } from '../../domain/case-statuses.ts';
import { childrenTreemap, disposeCharts, RATE_COLOURS, trendChart, type Tile } from './charts.ts';
import { claimsOf, clearToken, download, getToken, HubError, request, setToken, type Claims } from './client.ts';
import { change, esc, lastTwelveMonths, monthLabel, monthRange, num, pct, points, rateOf, todayCst, wallClock } from './format.ts';
import type { CaseRowFragment, CaseTimelineQuery, DivisionHeadFragment, DivisionRowFragment } from './generated/graphql.ts';
import {
  ACTION,
  CATEGORY,
  CORRECTED,
  DISPATCH_STATUS,
  INDICATOR,
  LEVEL,
  noteZh,
  OUTCOME,
  PARTY_ROLE,
  RATING,
  REPORTS,
  RISK_FACT,
  RISK_KIND,
  SCALE,
  SCOPE,
  SEVERITY,
  SOURCE,
  STATUS,
} from './labels.ts';
import {
  CaseTimeline,
  CountyCases,
  CountyView,
  Provinces,
  RegionView,
  RiskSignals,
  TownshipCases,
  TownshipView,
  VillageCases,
  VillageView,
} from './queries.ts';

/** Every level's figures, selected by one fragment on DivisionStatistics (app/src/queries.ts). */
type Head = DivisionHeadFragment;
type Row = DivisionRowFragment;
type Kind = 'province' | 'prefecture' | 'county' | 'township' | 'village';
type ReportLevel = 'county' | 'township' | 'village';

interface Crumb {
  code: string;
  name: string;
}
interface Division {
  code: string;
  name: string;
  kind: Kind;
  /** Ancestors, top first. */
  crumbs: Crumb[];
  head: Head;
  rows: Row[];
  grids: { code: string; name: string; fullyStaffed: boolean }[];
  /** The report routes' level and `within` for the children table. */
  report: { level: ReportLevel; within: string };
}

const KIND_ZH: Record<Kind, string> = { province: '省', prefecture: '市（州）', county: '县（市、区）', township: '乡镇（街道）', village: '村（社区）' };
const CHILD_ZH: Record<Kind, string> = {
  province: '下辖市（州）',
  prefecture: '下辖县（市、区）',
  county: '下辖乡镇',
  township: '下辖村（社区）',
  village: '网格',
};

const main = document.getElementById('main')!;
const who = document.getElementById('who')!;
const crumbsNav = document.getElementById('crumbs')!;
const periodSelect = document.getElementById('period') as HTMLSelectElement;
const signOut = document.getElementById('signout') as HTMLButtonElement;

// ---- period -----------------------------------------------------------------

interface Period {
  key: string;
  label: string;
  from: string;
  to: string;
}
/** Today in China; a tab left open past midnight moves on with it (followCalendar). */
let today = todayCst();
/** The trend chart's twelve months (m0…m11), oldest first: this month, so far, and the eleven before it. */
let months = lastTwelveMonths(today);
let thisMonth = months[11]!;
/**
 * 近12个月 covers the chart's twelve months, so its figures are the sum of the
 * chart's bars; as this month is only partly past, the label says it is in
 * (README "The analysis room").
 */
const LAST_TWELVE = '近12个月（含本月）';
/** The trend chart, as its description for screen readers names it. */
const TREND = `${LAST_TWELVE}受理、化解件数与化解率`;
/** A month as the page names it; this month is named as so far (至今). */
const monthName = (m: string) => (m === thisMonth ? `${monthLabel(m)}（至今）` : monthLabel(m));
const periodsOf = (): Period[] => [
  { key: 'last12', label: LAST_TWELVE, from: monthRange(months[0]!).from, to: today },
  { key: 'year', label: `${today.slice(0, 4)}年度`, from: `${today.slice(0, 4)}-01-01`, to: today },
  ...months
    .slice()
    .reverse()
    .map((m) => {
      const r = monthRange(m);
      return { key: m, label: monthName(m), from: r.from, to: r.to < today ? r.to : today };
    }),
];
let PERIODS = periodsOf();
/** Fills the period list; a month no longer in it (kept from before a month's end) gives way to the default. */
function fillPeriods(wanted: string | null): void {
  periodSelect.innerHTML = PERIODS.map((p) => `<option value="${p.key}">${esc(p.label)}</option>`).join('');
  periodSelect.value = PERIODS.some((p) => p.key === wanted) ? wanted! : 'last12';
}
fillPeriods(sessionStorage.getItem('hub.period'));
const period = (): Period => PERIODS.find((p) => p.key === periodSelect.value) ?? PERIODS[0]!;
/**
 * 近12个月 and 年度 compare with a year ago only (同比): 近12个月's previous period is the year before, a year ago
 * itself, and 环比 of a year so far would set it against the last months of the year before, a season's swing.
 */
const yearLong = (p: Period) => p.key === 'last12' || p.key === 'year';
let periodTimer: ReturnType<typeof setTimeout> | undefined;
periodSelect.addEventListener('change', () => {
  sessionStorage.setItem('hub.period', periodSelect.value);
  // Arrow keys on a closed list change it once per press: the view follows where they stop.
  clearTimeout(periodTimer);
  periodTimer = setTimeout(() => void route(), 300);
});

/**
 * The trend's months: m0…m10 by period, and this month (m11) from its first day to today, so that its 环比 and 同比
 * compare the same days of last month and of this month a year ago, not whole months with a month only partly past.
 */
const monthVarsOf = () => ({
  ...(Object.fromEntries(months.slice(0, 11).map((m, i) => [`m${i}`, m])) as Record<`m${0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10}`, string>),
  thisMonthFrom: monthRange(thisMonth).from,
  today,
});
let monthVars = monthVarsOf();

/** A page left open past midnight (a duty room's wall screen) counts the new day, and past a month's end the new month. */
function followCalendar(): void {
  const now = todayCst();
  if (now === today) return;
  today = now;
  months = lastTwelveMonths(today);
  thisMonth = months[11]!;
  PERIODS = periodsOf();
  monthVars = monthVarsOf();
  fillPeriods(periodSelect.value);
}

// ---- places -----------------------------------------------------------------

/** A view the page showed: where the way back from a refusal leads. */
interface Place {
  href: string;
  name: string;
}
/** The last view shown in this tab, a place the caller may see. */
let lastPlace: Place | undefined;
/** Names of the divisions and cases the page has shown or listed, by their route, to name a refused target. */
const known = new Map<string, string>();
const divisionHref = (code: string) => `#/division/${code}`;
const caseHref = (id: string) => `#/case/${encodeURIComponent(id)}`;
const caseName = (caseNumber: string) => `案件 ${caseNumber}`;

// ---- sign-in ----------------------------------------------------------------

let claims: Claims | undefined;

function showSignIn(message = ''): void {
  // A view still loading is dropped: it must not land over the sign-in, nor leave it dimmed.
  navigation++;
  main.removeAttribute('aria-busy');
  disposeCharts();
  // The next caller may see other places.
  lastPlace = undefined;
  known.clear();
  crumbsNav.innerHTML = '';
  document.title = '分析研判室 · 基层治理数据枢纽';
  who.textContent = '';
  signOut.hidden = true;
  main.dataset.view = 'sign-in';
  main.innerHTML = `
    <section class="panel sign-in" aria-labelledby="sign-in-title">
      <h2 id="sign-in-title">登录分析研判室</h2>
      <p>粘贴本单位系统管理员发给您的访问令牌，或直接打开管理员发给您的登录链接。令牌只保存在本标签页的会话存储中，关闭标签页即退出。</p>
      ${message ? `<p class="error" role="alert">${esc(message)}</p>` : ''}
      <form id="sign-in-form">
        <label for="token-input">访问令牌</label>
        <textarea id="token-input" name="token" rows="4" required autocomplete="off" spellcheck="false"></textarea>
        <button type="submit">进入</button>
      </form>
    </section>`;
  document.getElementById('sign-in-form')!.addEventListener('submit', (e) => {
    e.preventDefault();
    // Copied from an Authorization header, a token may come with its "Bearer " in front.
    const value = (document.getElementById('token-input') as HTMLTextAreaElement).value.trim().replace(/^bearer\s+/i, '');
    if (!claimsOf(value)) {
      showSignIn('这不是有效的访问令牌。');
      return;
    }
    setToken(value);
    // The view the sign-in interrupted (a link opened, a token that expired on the way) is where it leads; the address
    // still names it. Setting another hash routes by its hashchange; on the same one there is none to wait for.
    const next = /^#\/(division|case)\//.test(location.hash) ? location.hash : '#/';
    if (location.hash === next) void route();
    else location.hash = next;
  });
}

signOut.addEventListener('click', () => {
  clearToken();
  claims = undefined;
  history.replaceState(null, '', '/app');
  showSignIn();
});

const mayRead = () => claims?.scopes.has('read') ?? false;
const inJurisdiction = (code: string) => claims !== undefined && (claims.jurisdiction === '*' || code.startsWith(claims.jurisdiction));

// ---- loading a division ---------------------------------------------------------

async function loadDivision(code: string): Promise<Division | undefined> {
  const p = period();
  const vars = { code, from: p.from, to: p.to, ...monthVars };
  if (code.length === 2 || code.length === 4) {
    const r = (await request(RegionView, vars)).region;
    if (!r) return undefined;
    const province = r.level === 'PROVINCE';
    return {
      code: r.code,
      name: r.name,
      kind: province ? 'province' : 'prefecture',
      crumbs: r.parent ? [r.parent] : [],
      head: r,
      rows: province ? r.prefectures : r.counties,
      grids: [],
      report: { level: 'county', within: r.code },
    };
  }
  if (code.length === 6) {
    const c = (await request(CountyView, vars)).county;
    if (!c) return undefined;
    return {
      code: c.code,
      name: c.name,
      kind: 'county',
      crumbs: [c.province, c.region],
      head: c,
      rows: c.townships ?? [],
      grids: [],
      report: { level: 'township', within: c.code },
    };
  }
  if (code.length === 9) {
    const t = (await request(TownshipView, vars)).township;
    if (!t) return undefined;
    const up = t.county ? [t.county.province, t.county.region, { code: t.county.code, name: t.county.name }] : [];
    return {
      code: t.code,
      name: t.name,
      kind: 'township',
      crumbs: up,
      head: t,
      rows: t.villages ?? [],
      grids: [],
      report: { level: 'village', within: t.code },
    };
  }
  if (code.length === 12) {
    const v = (await request(VillageView, vars)).village;
    if (!v) return undefined;
    const c = v.township?.county;
    const up = [
      ...(c ? [c.province, c.region, { code: c.code, name: c.name }] : []),
      ...(v.township ? [{ code: v.township.code, name: v.township.name }] : []),
    ];
    return { code: v.code, name: v.name, kind: 'village', crumbs: up, head: v, rows: [], grids: v.grids, report: { level: 'village', within: v.code } };
  }
  return undefined;
}

// ---- rendering --------------------------------------------------------------

interface Figure {
  key: string;
  label: string;
  value: number;
  text: string;
  note: string;
}

const specialOf = (byTag: { count: number }[]) => byTag.reduce((s, t) => s + t.count, 0);

/**
 * The headline figures. People, households and forces are counted as they stand today, whatever the period (the
 * assessment leaves them out of a past period's 考核): for a period that ended before today their cards say so.
 */
function figures(h: Head, p: Period): Figure[] {
  const past = p.to < today;
  const { population: po, forces: f, patrolStats: ps, disputeStats: ds } = h;
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
    { key: 'special', label: '特殊人群（人次）', value: specialOf(po.byTag), text: num(specialOf(po.byTag)), note: standing('重点人员与关爱对象') },
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
      key: 'hazardsFound',
      label: '巡逻发现隐患',
      value: ps.hazardsFound,
      text: num(ps.hazardsFound),
      note: `本期整改 ${num(ps.hazardsRectified)}（含此前发现的）`,
    },
    { key: 'reported', label: '受理纠纷', value: ds.reported, text: num(ds.reported), note: vs(ds.reported, ds.previous.reported, ds.yearAgo.reported) },
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
const COLUMNS: Column[] = [
  { key: 'name', zh: '名称', value: (r) => r.name, show: (r) => `<a href="#/division/${esc(r.code)}">${esc(r.name)}</a>` },
  { key: 'residents', zh: '实有人口', value: (r) => r.population.residents, show: (r) => num(r.population.residents) },
  { key: 'special', zh: '特殊人群', value: (r) => specialOf(r.population.byTag), show: (r) => num(specialOf(r.population.byTag)) },
  // By the share of grids fully staffed, as 网格配强率 is read: 30 of 30 before 114 of 120.
  {
    key: 'staffed',
    zh: '配齐网格',
    value: (r) => (r.forces.grids ? r.forces.gridsFullyStaffed / r.forces.grids : -1),
    show: (r) => `${num(r.forces.gridsFullyStaffed)} / ${num(r.forces.grids)}`,
  },
  { key: 'coverage', zh: '联防覆盖率', value: (r) => r.forces.householdCoverage, show: (r) => rateOf(r.forces.householdCoverage, r.population.households) },
  { key: 'patrols', zh: '巡防', value: (r) => r.patrolStats.patrols, show: (r) => num(r.patrolStats.patrols) },
  { key: 'hazards', zh: '隐患', value: (r) => r.patrolStats.hazardsFound, show: (r) => num(r.patrolStats.hazardsFound) },
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
const REPORT_LEVEL_ZH: Record<ReportLevel, string> = { county: '下辖县（市、区）', township: '下辖乡镇', village: '下辖村（社区）' };

function downloads(d: Division, title: string): string {
  const p = period();
  const q = (needsPeriod: boolean) => `within=${d.report.within}&level=${d.report.level}${needsPeriod ? `&from=${p.from}&to=${p.to}` : ''}`;
  return `
    <div class="downloads" role="group" aria-label="${esc(title)}下载">
      ${REPORTS.map((r) => {
        const path = `/reports/${r.name}`;
        const query = q(r.name === 'patrols' || r.name === 'disputes');
        return `<span class="report"><span class="report-name">${esc(r.zh)}</span>
          <button type="button" class="small" data-download="${path}.xlsx?${query}" aria-label="下载${esc(title)}${esc(r.zh)}表（XLSX）" title="Excel 表格：中文表头，供阅读、打印">XLSX 表格</button>
          <button type="button" class="small" data-download="${path}.csv?${query}" aria-label="下载${esc(title)}${esc(r.zh)}表（CSV）" title="CSV 数据：英文列名、原始数值，供程序读取">CSV 数据</button></span>`;
      }).join('')}
    </div>`;
}

/** A division above the view: a link inside the caller's jurisdiction, its name alone outside it (it could not be opened). */
const crumbLink = (c: Crumb) => (inJurisdiction(c.code) ? `<a href="#/division/${esc(c.code)}">${esc(c.name)}</a>` : `<span>${esc(c.name)}</span>`);

/** The view's place: the trail above it, and the tab's title. */
function renderCrumbs(above: readonly Crumb[], name: string): void {
  crumbsNav.innerHTML = `<ol>${above.map((c) => `<li>${crumbLink(c)}</li>`).join('')}<li aria-current="page">${esc(name)}</li></ol>`;
  document.title = `${name} · 分析研判室`;
}

function childrenTable(d: Division, sort: { key: string; asc: boolean }): string {
  const col = COLUMNS.find((c) => c.key === sort.key) ?? COLUMNS[0]!;
  const rows = d.rows.slice().sort((a, b) => {
    const x = col.value(a);
    const y = col.value(b);
    const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), 'zh-Hans-CN');
    return sort.asc ? c : -c;
  });
  const head = COLUMNS.map((c) => {
    const state = c.key === col.key ? (sort.asc ? 'ascending' : 'descending') : 'none';
    return `<th scope="col" aria-sort="${state}"><button type="button" class="sort" data-sort="${c.key}" aria-label="按${esc(c.zh)}排序">${esc(c.zh)}${
      state === 'none' ? '' : state === 'ascending' ? ' ▲' : ' ▼'
    }</button></th>`;
  }).join('');
  const body = rows
    .map((r) => `<tr data-code="${esc(r.code)}">${COLUMNS.map((c, i) => (i ? `<td>${c.show(r)}</td>` : `<th scope="row">${c.show(r)}</th>`)).join('')}</tr>`)
    .join('');
  return `<table class="children"><caption class="visually-hidden">${esc(CHILD_ZH[d.kind])}</caption><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

function trendTable(h: Head): string {
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

function assessmentTable(h: Head): string {
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

let navigation = 0;

// ---- refusals ---------------------------------------------------------------

interface Target {
  href: string;
  /** How the breadcrumb names it when the page never learnt its name. */
  fallback: string;
}

/**
 * A view the hub refused or could not give (FORBIDDEN, not found, a failed load).
 * The breadcrumb then says where the page is: the refused target, named as
 * refused, after the way back to the last view shown (or to the caller's own
 * jurisdiction when this tab showed none), not the trail of the view before,
 * which is no longer on screen (README "The analysis room").
 */
function showRefusal(target: Target, state: string, message: string): void {
  disposeCharts();
  main.removeAttribute('aria-busy');
  const name = known.get(target.href) ?? target.fallback;
  // '#/' leads to the caller's own division (route, home); no way back when that is what was refused.
  const own = claims && claims.jurisdiction !== '*' ? divisionHref(claims.jurisdiction.slice(0, 12)) : '#/';
  const refusedHome = target.href === own || target.href === '#/';
  const back: Place | undefined =
    lastPlace && lastPlace.href !== target.href ? lastPlace : refusedHome ? undefined : { href: '#/', name: known.get(own) ?? '本辖区' };
  const backLink = back ? `<a href="${esc(back.href)}">返回 ${esc(back.name)}</a>` : '';
  crumbsNav.innerHTML = `<ol>${back ? `<li class="back">${backLink}</li>` : ''}<li class="refused" aria-current="page">${esc(name)} · ${esc(state)}</li></ol>`;
  document.title = `${name} · ${state} · 分析研判室`;
  main.dataset.view = 'refused';
  delete main.dataset.code;
  main.innerHTML = `
    <h2 class="title">${esc(name)} <small>${esc(state)}</small></h2>
    <p class="error" role="alert">${esc(message)}</p>
    ${back ? `<p class="way-back">${backLink}</p>` : ''}`;
}

/** A failed request as a refusal of the target; an expired or foreign token leads to the sign-in instead. */
function showError(e: unknown, target: Target): void {
  if (e instanceof HubError && (e.code === 'UNAUTHENTICATED' || e.code === 'HTTP_401')) {
    main.removeAttribute('aria-busy');
    clearToken();
    // The header no longer names the caller the hub refused.
    claims = undefined;
    showSignIn(`${e.message}请用有效的令牌重新登录。`);
    return;
  }
  const code = e instanceof HubError ? e.code : '';
  const message = e instanceof Error ? e.message : String(e);
  if (code === 'FORBIDDEN') showRefusal(target, '无权查看', `无权查看：${message}`);
  else if (code === 'NOT_FOUND') showRefusal(target, '不存在', message);
  else {
    // Unreachable, unavailable or failed: the same view may load if asked again.
    showRefusal(target, '载入失败', `载入失败：${message}`);
    const retry = document.createElement('button');
    retry.type = 'button';
    retry.id = 'retry';
    retry.textContent = '重试';
    retry.addEventListener('click', () => void route());
    main.querySelector('p.error')?.after(retry);
  }
}

async function showDivision(code: string): Promise<void> {
  const mine = ++navigation;
  // The view on screen stays, dimmed and out of reach (style.css), until the new one replaces it or a refusal does.
  main.setAttribute('aria-busy', 'true');
  const target = { href: divisionHref(code), fallback: `区划 ${code}` };
  let d: Division | undefined;
  try {
    d = await loadDivision(code);
  } catch (e) {
    if (mine === navigation) showError(e, target);
    return;
  }
  if (mine !== navigation) return;
  if (!d) {
    showRefusal(target, '不存在', `没有区划 ${code}。`);
    return;
  }
  const division = d;
  for (const c of [...d.crumbs, d, ...d.rows]) known.set(divisionHref(c.code), c.name);
  lastPlace = { href: divisionHref(d.code), name: d.name };
  renderCrumbs(d.crumbs, d.name);
  const p = period();
  const hasChildren = d.rows.length > 0;
  disposeCharts();
  main.dataset.view = d.kind;
  main.dataset.code = d.code;
  main.innerHTML = `
    <h2 class="title">${esc(d.name)} <small>${esc(KIND_ZH[d.kind])} · ${esc(d.code)} · 统计期 ${esc(p.label)}，${p.from} 至 ${p.to}</small></h2>
    <section id="figures" class="panel" aria-labelledby="figures-title" data-from="${p.from}" data-to="${p.to}">
      <h3 id="figures-title">核心指标</h3>
      <div class="cards">${figures(d.head, p)
        .map(
          (f) =>
            `<div class="card" data-figure="${f.key}" data-value="${f.value}"><p class="label">${esc(f.label)}</p><p class="value">${esc(f.text)}</p><p class="note">${esc(
              f.note,
            )}</p></div>`,
        )
        .join('')}</div>
    </section>
    <section id="risk" class="panel" aria-labelledby="risk-title" hidden>
      <h3 id="risk-title">苗头预警</h3>
      <div id="risk-list"></div>
    </section>
    <div class="columns">
      <section id="trend" class="panel" aria-labelledby="trend-title">
        <h3 id="trend-title">矛盾纠纷月度趋势 <small>${LAST_TWELVE} · 环比 / 同比</small></h3>
        <div class="chart" id="trend-chart" role="img" aria-label="${TREND}"></div>
        <details><summary>按月数据</summary><div class="table-wrap">${trendTable(d.head)}</div></details>
      </section>
      <section id="assessment" class="panel" aria-labelledby="assessment-title">
        <h3 id="assessment-title">考核：目标与实际</h3>
        <div class="table-wrap">${assessmentTable(d.head)}</div>
      </section>
    </div>
    <section id="children" class="panel" aria-labelledby="children-title">
      <h3 id="children-title">${esc(CHILD_ZH[d.kind])}${hasChildren ? `（${d.rows.length}）` : ''}</h3>
      ${
        hasChildren
          ? `<div class="columns wide-table">
              <div>
                <div class="chart treemap" id="treemap" role="img" aria-label="${esc(CHILD_ZH[d.kind])}矩形树图：面积为实有人口，颜色为化解率；点击进入。各项数值见下方表格"></div>
                <ul class="legend" aria-label="颜色：化解率">${RATE_COLOURS.map((c) => `<li style="background:${c.colour}">${esc(c.zh)}</li>`).join(
                  '',
                )}<li style="background:#374151">本期无纠纷</li></ul>
              </div>
              <div class="table-wrap" id="children-table"></div>
            </div>`
          : d.grids.length
            ? `<div class="table-wrap"><table class="grids text"><caption class="visually-hidden">网格</caption><thead><tr><th scope="col">网格代码</th><th scope="col">名称</th><th scope="col">1+3+N 配齐</th></tr></thead><tbody>${d.grids
                .map((g) => `<tr><td>${esc(g.code)}</td><th scope="row">${esc(g.name)}</th><td>${g.fullyStaffed ? '✓ 已配齐' : '✗ 未配齐'}</td></tr>`)
                .join('')}</tbody></table></div>`
            : '<p>没有下级区划的数据。</p>'
      }
      ${downloads(d, d.kind === 'village' ? d.name : REPORT_LEVEL_ZH[d.report.level])}
    </section>
    ${
      mayRead() && (d.kind === 'county' || d.kind === 'township' || d.kind === 'village')
        ? `<section id="cases" class="panel" aria-labelledby="cases-title"><h3 id="cases-title">超期与督办案件 <small>当前全部，不限统计期</small></h3><div id="case-list" role="status">正在载入案件…</div></section>`
        : `<p class="note" id="cases-note">${mayRead() ? '超期与督办案件在县、乡镇、村的页面列出。' : '当前令牌只有统计权限：只显示统计数字，不显示案件。'}</p>`
    }`;
  main.removeAttribute('aria-busy');
  performance.mark('hub:figures');

  trendChart(document.getElementById('trend-chart')!, lastMonths(d.head), TREND);
  if (hasChildren) {
    const sort = { key: 'residents', asc: false };
    const table = document.getElementById('children-table')!;
    const draw = () => (table.innerHTML = childrenTable(division, sort));
    draw();
    table.addEventListener('click', (e) => {
      const b = (e.target as HTMLElement).closest<HTMLButtonElement>('button[data-sort]');
      if (!b) return;
      const key = b.dataset.sort!;
      if (sort.key === key) sort.asc = !sort.asc;
      else Object.assign(sort, { key, asc: key === 'name' });
      draw();
      table.querySelector<HTMLButtonElement>(`button[data-sort="${key}"]`)?.focus();
    });
    const tiles: Tile[] = d.rows.map((r) => ({
      code: r.code,
      name: r.name,
      residents: r.population.residents,
      resolutionRate: r.disputeStats.resolutionRate,
      reported: r.disputeStats.reported,
    }));
    childrenTreemap(document.getElementById('treemap')!, tiles, (c) => (location.hash = `#/division/${c}`));
  }
  main.querySelectorAll<HTMLButtonElement>('button[data-download]').forEach((b) =>
    b.addEventListener('click', async () => {
      b.disabled = true;
      try {
        await download(b.dataset.download!);
      } catch (e) {
        alert(e instanceof Error ? e.message : String(e));
      } finally {
        b.disabled = false;
      }
    }),
  );
  void showRiskSignals(d.code, mine);
  if (document.getElementById('cases')) await showCases(d, mine);
}

function lastMonths(h: Head) {
  return [h.m0, h.m1, h.m2, h.m3, h.m4, h.m5, h.m6, h.m7, h.m8, h.m9, h.m10, h.m11].map((m, i) => ({
    month: months[i]!,
    reported: m.reported,
    resolved: m.resolved,
    resolutionRate: m.resolutionRate,
  }));
}

const SIGNALS_SHOWN = 8;
const SEVERITY_CLASS: Record<string, string> = { LOW: 'low', MEDIUM: 'warn', HIGH: 'high', CRITICAL: 'unmet' };

/**
 * 苗头预警 Early warnings under the division for the page's period (the API
 * decides what a caller may see: case numbers and special-population signals
 * only with `read`). Each signal links to its division and, for readers, to
 * the cases behind it.
 */
async function showRiskSignals(code: string, mine: number): Promise<void> {
  const section = document.getElementById('risk')!;
  const list = document.getElementById('risk-list')!;
  const p = period();
  let r;
  try {
    r = (await request(RiskSignals, { code, from: p.from, to: p.to })).riskSignals;
  } catch (e) {
    if (mine !== navigation) return;
    section.hidden = false;
    list.innerHTML = `<p class="error" role="alert">苗头预警载入失败：${esc(e instanceof Error ? e.message : String(e))}</p>`;
    return;
  }
  if (mine !== navigation) return;
  section.hidden = false;
  document.getElementById('risk-title')!.textContent = `苗头预警（${r.totalCount}）`;
  if (!r.nodes.length) {
    list.innerHTML = '<p>本期没有苗头预警。</p>';
    return;
  }
  // The rest lie in the divisions below, whose pages list their own.
  const more =
    r.totalCount > r.nodes.length ? `<p class="note">共 ${num(r.totalCount)} 条，按严重程度列出前 ${r.nodes.length} 条；其余在下级区划页中列出。</p>` : '';
  const item = (s: (typeof r.nodes)[number]) => {
    // A case may be a fact of the signal twice (a mass dispute reported twice): listed once.
    const cases = [...new Map(s.facts.flatMap((f) => f.disputes).map((c) => [c.id, c])).values()];
    const facts = s.facts.map((f) => `${esc(RISK_FACT[f.kind])} ${Number.isInteger(f.value) ? num(f.value) : f.value.toFixed(1)}`).join(' · ');
    return `<li data-kind="${s.kind}" data-severity="${s.severity}">
      <span class="badge ${SEVERITY_CLASS[s.severity]}">${esc(SEVERITY[s.severity])}</span>
      <strong>${esc(RISK_KIND[s.kind])}</strong>
      <a href="#/division/${esc(s.division.code)}">${esc(s.division.name)}</a>
      <p>${esc(s.explanation)}</p>
      <p class="note">${facts}（${s.from} 至 ${s.to}）</p>
      ${cases.length ? `<p class="cases-of-signal">${cases.map((c) => `<a href="#/case/${encodeURIComponent(c.id)}">${esc(c.caseNumber)}</a>`).join('、')}</p>` : ''}
    </li>`;
  };
  // The most severe first (the API's order); the rest folded so the figures below stay in view on a wall screen.
  const first = r.nodes.slice(0, SIGNALS_SHOWN);
  const rest = r.nodes.slice(SIGNALS_SHOWN);
  list.innerHTML = `${more}<ul class="signals">${first.map(item).join('')}</ul>${
    rest.length ? `<details class="signals-more"><summary>其余 ${rest.length} 条</summary><ul class="signals">${rest.map(item).join('')}</ul></details>` : ''
  }`;
}

async function showCases(d: Division, mine: number): Promise<void> {
  const list = document.getElementById('case-list')!;
  let cases: CaseRowFragment[];
  let overdueTotal: number | undefined;
  try {
    if (d.kind === 'county' || d.kind === 'village') {
      const r = d.kind === 'county' ? (await request(CountyCases, { code: d.code })).county : (await request(VillageCases, { code: d.code })).village;
      const seen = new Set<string>();
      cases = [...(r?.overdue.nodes ?? []), ...(r?.supervised.nodes ?? [])].filter((c) => !seen.has(c.id) && seen.add(c.id));
      overdueTotal = r?.overdue.totalCount;
    } else {
      const r = await request(TownshipCases, { code: d.code });
      const seen = new Set<string>();
      cases = [
        ...(r.township?.disputes.nodes ?? [])
          .filter((c) => c.overdue || c.underSupervision)
          .map((c) => ({ ...c.dispute, overdue: c.overdue, underSupervision: c.underSupervision })),
        ...(r.township?.overdue.nodes ?? []),
        ...(r.township?.supervised.nodes ?? []),
      ].filter((c) => !seen.has(c.id) && seen.add(c.id));
    }
  } catch (e) {
    if (mine === navigation) list.innerHTML = `<p class="error" role="alert">${esc(e instanceof Error ? e.message : String(e))}</p>`;
    return;
  }
  if (mine !== navigation) return;
  for (const c of cases) known.set(caseHref(c.id), caseName(c.caseNumber));
  list.removeAttribute('role');
  if (!cases.length) {
    list.innerHTML = '<p>没有超期或督办的案件。</p>';
    return;
  }
  const more = overdueTotal !== undefined && overdueTotal > 100 ? `<p class="note">超期案件共 ${num(overdueTotal)} 件，此处列出最新的 100 件。</p>` : '';
  list.innerHTML = `${more}<div class="table-wrap"><table class="cases text">
    <caption class="visually-hidden">超期与督办案件</caption>
    <thead><tr><th scope="col">案件编号</th><th scope="col">村（社区）</th><th scope="col">类别</th><th scope="col">状态</th><th scope="col">办理层级</th><th scope="col">登记时间</th><th scope="col">标记</th></tr></thead>
    <tbody>${cases
      .map(
        (c) =>
          `<tr><th scope="row"><a href="#/case/${encodeURIComponent(c.id)}">${esc(c.caseNumber)}</a></th><td>${esc(c.village.name)}</td><td>${esc(
            CATEGORY[c.category],
          )}</td><td>${esc(STATUS[c.status])}</td><td>${esc(LEVEL[c.handlingLevel])}</td><td>${esc(c.reportedAt.slice(0, 10))}</td><td>${
            c.overdue ? '<span class="badge unmet">超期</span>' : ''
          }${c.underSupervision ? '<span class="badge warn">督办</span>' : ''}</td></tr>`,
      )
      .join('')}</tbody></table></div>`;
}

/**
 * 群众评价 in words. A 不满意 rating reopens the case (重新办理), and the rating
 * read stays that one until the parties rate the new resolution: before the
 * case is RATED (or closed after it), a rating shown is the earlier round's.
 */
function ratingText(c: { rating?: string | null; status: string }): string {
  if (!c.rating) return '尚未评价';
  const said = esc(RATING[c.rating] ?? c.rating);
  return ['RATED', 'CLOSED', 'FOLLOWED_UP'].includes(c.status) ? said : `${said}（对上一次化解的评价，已重新办理；本次尚未评价）`;
}

async function showCase(id: string): Promise<void> {
  const mine = ++navigation;
  main.setAttribute('aria-busy', 'true');
  // The hub answers a case outside the jurisdiction as a missing one: the page cannot tell the two apart either.
  const target = { href: caseHref(id), fallback: '所请求的案件' };
  // A case is opened by its id (a UUID), as the case lists link it; a case number or other text names none, and saying so
  // helps more than the API's refusal of the argument.
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) {
    showRefusal(
      target,
      '不存在',
      /^\d{6}-\d{4}-\d{6}$/.test(id)
        ? `“${id}”是案件编号；案件页的地址用的是纠纷编号，请从区划页的案件列表打开该案件。`
        : `“${id}”不是纠纷编号，请从区划页的案件列表打开案件。`,
    );
    return;
  }
  let c;
  try {
    c = (await request(CaseTimeline, { id })).dispute;
  } catch (e) {
    if (mine === navigation) showError(e, target);
    return;
  }
  if (mine !== navigation) return;
  if (!c) {
    showRefusal(target, '不存在或无权查看', '没有这个案件，或您无权查看。');
    return;
  }
  disposeCharts();
  main.removeAttribute('aria-busy');
  main.dataset.view = 'case';
  delete main.dataset.code;
  known.set(target.href, caseName(c.caseNumber));
  lastPlace = { href: target.href, name: caseName(c.caseNumber) };
  const above = [c.village.township?.county, c.village.township].filter((d): d is { code: string; name: string } => !!d);
  renderCrumbs([...above, c.village], c.caseNumber);
  main.innerHTML = `
    <h2 class="title">案件 ${esc(c.caseNumber)} <small>${esc(CATEGORY[c.category])} · ${esc(STATUS[c.status])} · ${esc(LEVEL[c.handlingLevel])}级办理</small></h2>
    <section class="panel" aria-labelledby="case-title">
      <h3 id="case-title">简要情况</h3>
      <p>${esc(c.summary)}</p>
      <p>${c.overdue ? '<span class="badge unmet">超期</span>' : ''}${c.underSupervision ? '<span class="badge warn">督办</span>' : ''}${
        c.rehandled ? `<span class="badge warn">重新办理 ${c.rehandled} 次</span>` : ''
      } 登记于 ${esc(wallClock(c.reportedAt))}</p>
      <dl class="case-facts">
        <dt>当事人</dt><dd>${c.parties.map((p) => `${esc(PARTY_ROLE[p.role])}：${esc(p.name)}`).join('；') || '—'}</dd>
        <dt>承办</dt><dd>${c.assignee ? esc(c.assignee) : c.outcome || FINISHED.has(c.status) ? '未指定承办人' : `${esc(LEVEL[c.handlingLevel])}级尚未分派`}</dd>
        <dt>化解</dt><dd>${
          c.outcome
            ? `${esc(OUTCOME[c.outcome] ?? c.outcome)}${c.resolvedLevel ? `（${esc(LEVEL[c.resolvedLevel])}级` : '（'}${c.resolvedAt ? `，${esc(wallClock(c.resolvedAt))}` : ''}）${late(c.resolvedAt, c.deadlines.settleBy)}`
            : '尚未化解'
        }</dd>
        <dt>群众评价</dt><dd>${ratingText(c)}</dd>
        <dt>办理时限</dt><dd>联系当事人 ${esc(wallClock(c.deadlines.contactBy))} · 化解 ${esc(wallClock(c.deadlines.settleBy))}${
          c.deadlines.replyBy ? ` · 答复 ${esc(wallClock(c.deadlines.replyBy))}` : ''
        }</dd>
      </dl>
    </section>
    ${dispatchesPanel(c.townshipCase?.dispatches ?? [])}
    <section class="panel" aria-labelledby="timeline-title">
      <h3 id="timeline-title">时间线</h3>
      <ol class="timeline">${c.timeline
        .map(
          (s) =>
            `<li><time datetime="${esc(s.at)}">${esc(wallClock(s.at))}</time> <strong>${esc(LEVEL[s.level])} · ${esc(
              ACTION[s.action],
            )}</strong> ${esc(s.actor)}${s.note ? `：${esc(noteZh(s.note))}` : ''}${correctionList(s.changes)}</li>`,
        )
        .join('')}</ol>
      <p><a href="#/division/${esc(c.village.code)}">返回 ${esc(c.village.name)}</a></p>
    </section>`;
}

type Correction = NonNullable<NonNullable<CaseTimelineQuery['dispute']>['timeline'][number]['changes']>[number];

/** 更正: what a correction replaced, field by field, the value before (原) and the value set (改为). */
function correctionList(changes: readonly Correction[] | null | undefined): string {
  if (!changes?.length) return '';
  const value = (field: Correction['field'], v: string | null | undefined): string => {
    if (v == null || v === '') return '（未填）';
    if (field === 'CATEGORY') return CATEGORY[v as keyof typeof CATEGORY] ?? v;
    if (field === 'SCALE') return SCALE[v as keyof typeof SCALE] ?? v;
    if (field === 'SOURCE') return SOURCE[v] ?? v;
    if (field === 'OCCURRED_AT') return wallClock(v);
    return v;
  };
  const parties = (ps: readonly { name: string; role: keyof typeof PARTY_ROLE }[] | null | undefined) =>
    (ps ?? []).map((p) => `${p.name}（${PARTY_ROLE[p.role]}）`).join('、') || '（无）';
  const line = (c: Correction) =>
    c.field === 'PARTIES'
      ? `原 ${parties(c.partiesBefore)}，改为 ${parties(c.partiesAfter)}`
      : `原 ${value(c.field, c.before)}，改为 ${value(c.field, c.after)}`;
  return `<ul class="changes">${changes.map((c) => `<li>${esc(CORRECTED[c.field])}：${esc(line(c))}</li>`).join('')}</ul>`;
}

/** Statuses past handling: a case in one with no handler named was settled without one being recorded, not waiting for one. */
const FINISHED: ReadonlySet<string> = new Set(VILLAGE_CLOSED);

/** Done after its deadline: 逾期 beside when it was done (超期 is what is still open past it). */
const late = (at: string | null | undefined, by: string): string => (at && new Date(at) > new Date(by) ? '<span class="badge unmet">逾期</span>' : '');

type Dispatch = NonNullable<NonNullable<CaseTimelineQuery['dispute']>['townshipCase']>['dispatches'][number];

/**
 * 吹哨报到: each department the township called, with its deadlines and what
 * it reported; on time means before the deadline. A dispatch the township
 * withdrew (撤回) waits on no deadline: it shows when and why instead.
 */
function dispatchesPanel(list: readonly Dispatch[]): string {
  if (!list.length) return '';
  const when = (d: Dispatch, at: string | null | undefined, by: string) =>
    at ? `${esc(wallClock(at))}${late(at, by)}` : d.withdrawnAt ? '—' : `时限 ${esc(wallClock(by))}`;
  const said = (d: Dispatch) => (d.withdrawnAt ? `${esc(wallClock(d.withdrawnAt))} 撤回：${esc(d.withdrawalReason ?? '')}` : d.report ? esc(d.report) : '—');
  return `<section class="panel" aria-labelledby="dispatch-title">
      <h3 id="dispatch-title">吹哨报到</h3>
      <div class="table-wrap"><table class="dispatches text"><thead><tr><th scope="col">部门</th><th scope="col">状态</th><th scope="col">吹哨</th><th scope="col">报到</th><th scope="col">反馈</th><th scope="col">反馈意见</th></tr></thead><tbody>${list
        .map(
          (d) =>
            `<tr><th scope="row">${esc(d.departmentName)}</th><td>${esc(DISPATCH_STATUS[d.status])}${
              d.overdue ? '<span class="badge unmet">超期</span>' : ''
            }</td><td>${esc(wallClock(d.dispatchedAt))}</td><td>${when(d, d.acknowledgedAt, d.acknowledgeBy)}</td><td>${when(
              d,
              d.reportedAt,
              d.reportBy,
            )}</td><td>${said(d)}</td></tr>`,
        )
        .join('')}</tbody></table></div>
    </section>`;
}

// ---- routing ----------------------------------------------------------------

async function home(): Promise<string> {
  if (claims!.jurisdiction !== '*') return claims!.jurisdiction.slice(0, 12);
  const provinces = (await request(Provinces, {})).provinces;
  return provinces[0]?.code ?? '62';
}

/** Who is signed in: the token's name, its jurisdiction by name once a view has named it, and its scopes in words. */
function showWho(): void {
  if (!claims) return;
  const place = claims.jurisdiction === '*' ? '全国' : (known.get(divisionHref(claims.jurisdiction)) ?? claims.jurisdiction);
  const scopes = [...claims.scopes].map((s) => SCOPE[s] ?? s).join('、');
  who.textContent = `${claims.name}（${place}；${scopes || '无权限'}）`;
}

async function route(): Promise<void> {
  // A period change still waiting is overtaken by this route, which reads the period itself.
  clearTimeout(periodTimer);
  followCalendar();
  const hash = location.hash;
  if (hash.startsWith('#token=')) {
    // The sign-in link: keep the token for this tab and take it out of the address bar and history.
    setToken(decodeURIComponent(hash.slice('#token='.length)));
    history.replaceState(null, '', '/app#/');
  }
  const token = getToken();
  claims = token ? claimsOf(token) : undefined;
  if (!claims || claims.expires < Date.now()) {
    if (token) clearToken();
    // A token that cannot be read was cut or mistyped in copying: asking for a new one would not help.
    showSignIn(!token ? '' : claims ? '令牌已过期，请重新登录。' : '这不是有效的访问令牌（无法读取，可能复制不完整），请重新复制后再试。');
    return;
  }
  signOut.hidden = false;
  showWho();
  const division = /^#\/division\/(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})$/.exec(location.hash);
  const kase = /^#\/case\/([^/]+)$/.exec(location.hash);
  const other = /^#\/division\/(.*)$/.exec(location.hash);
  if (division) {
    await showDivision(division[1]!);
    showWho();
  } else if (kase) await showCase(decodeURIComponent(kase[1]!));
  else if (other) {
    // A code of no division level (7 digits, a grid's 15): the page has no view for it, and says so rather than going home.
    const code = decodeURIComponent(other[1]!);
    showRefusal(
      { href: location.hash, fallback: code },
      '无法打开',
      /^\d{15}$/.test(code)
        ? '分析研判室按村（社区）及以上的区划展示，网格的数据见所属村（社区）。'
        : `“${code}”不是区划代码（省 2 位、市 4 位、县 6 位、乡镇 9 位、村 12 位）。`,
    );
  } else if (claims.jurisdiction.length === 15) {
    // A grid's own token (a 网格员's) sees no division's figures: its village lies outside its jurisdiction.
    showRefusal(
      { href: '#/', fallback: `网格 ${claims.jurisdiction}` },
      '无法打开',
      '分析研判室展示村（社区）及以上区划的统计；网格员的令牌只能读写本网格的记录，请用接口或导出（README“Export”）。',
    );
  } else {
    try {
      location.replace(divisionHref(await home()));
    } catch (e) {
      showError(e, { href: '#/', fallback: '本辖区' });
    }
  }
}

// A view reached by a link starts at its content, as a new page would (the link's focus is gone with it).
window.addEventListener('hashchange', () => void route().then(() => main.focus({ preventScroll: true })));
// The skip link's target is not a route: it moves focus, and the address stays.
document.querySelector<HTMLAnchorElement>('a.skip')?.addEventListener('click', (e) => {
  e.preventDefault();
  main.focus();
});
void route();
