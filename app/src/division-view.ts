/// <reference lib="dom" />
/**
 * A division's view: its figures, early warnings (苗头预警) and, for readers, its overdue and supervised cases and, at a
 * village or a township, its cases in hand (在办).
 */
import { childrenTreemap, disposeCharts, RATE_COLOURS, trendChart, type Tile } from './charts.ts';
import { download, request } from './client.ts';
import { daysPast, esc, num, rateOf, wallClock } from './format.ts';
import type { CaseRowFragment, DispatchFiguresFragment, DisputeFilter, DisputeStatus, TownshipCaseStatus } from './generated/graphql.ts';
import { OPEN_STATUSES } from '../../domain/case-statuses.ts';
import { CATEGORY, LEVEL, RISK_FACT, RISK_KIND, SEVERITY, STATUS, statusHere, TOWNSHIP_STATUS } from './labels.ts';
import {
  caseHref,
  caseName,
  claims,
  divisionHref,
  isCurrent,
  known,
  loading,
  main,
  mayRead,
  navigate,
  readsRecords,
  renderCrumbs,
  setLastPlace,
  showWho,
  unknownNotice,
} from './page.ts';
import { LAST_TWELVE, months, period, TREND } from './period.ts';
import { DivisionCases, DivisionDispatches, GridInHand, GridName, InHandCases, RiskSignals, TownshipInboxOverdue } from './queries.ts';
import { MORE_HTML, pagedList, pageSize, type Paged } from './paging.ts';
import { messageOf, showError, showRefusal } from './refusals.ts';
import { CHILD_ZH, KIND_ZH, loadDivision, type Division, type Head } from './division.ts';
import { hazardsHref } from './hazard-view.ts';
import { ALL_DEPARTMENTS, dispatchListHref } from './dispatch-list-view.ts';
import { assessmentTable, childrenTable, dispatchDownloads, downloads, figures, REPORT_LEVEL_ZH, trendTable } from './division-figures.ts';

/**
 * A division's view; `status` is the 在办 list's status filter the address names (`#/division/<code>/<status>`), kept
 * only where the division has that list and the status is one of its own.
 */
export async function showDivision(code: string, status = ''): Promise<void> {
  const mine = navigate();
  // The view on screen stays, dimmed and out of reach, until the new one replaces it or a refusal does.
  loading();
  const target = { href: divisionHref(code), fallback: `区划 ${code}` };
  let d: Division | undefined;
  try {
    d = await loadDivision(code);
  } catch (e) {
    if (isCurrent(mine)) showError(e, target);
    return;
  }
  if (!isCurrent(mine)) return;
  if (!d) {
    showRefusal(target, '不存在', `没有区划 ${code}。`);
    return;
  }
  const division = d;
  const inHand = readsRecords() ? IN_HAND[d.kind as keyof typeof IN_HAND] : undefined;
  const chosen = inHand?.statuses.find((s) => s.key === status);
  // A status the list does not have (a village's 已登记 at a township, a county's page) is dropped from the address, and
  // the page says so above what it shows instead.
  const unknown = status && !chosen ? unknownNotice('状态', status, inHand ? '全部在办案件' : '本区划的页面（本页没有在办案件列表）') : '';
  if (status && !chosen) history.replaceState(history.state, '', `${location.pathname}${location.search}${divisionHref(d.code)}`);
  for (const c of [...d.crumbs, d, ...d.rows]) known.set(divisionHref(c.code), c.name);
  // The header names the caller's jurisdiction by name as soon as a view has named it.
  showWho();
  setLastPlace({ href: divisionHref(d.code), name: d.name });
  renderCrumbs(d.crumbs, d.name);
  const p = period();
  const hasChildren = d.rows.length > 0;
  disposeCharts();
  main.dataset.view = d.kind;
  main.dataset.code = d.code;
  main.innerHTML = `
    <h2 class="title">${esc(d.name)} <small>${esc(KIND_ZH[d.kind])} · ${esc(d.code)} · 统计期 ${esc(p.label)}，${p.from} 至 ${p.to}</small></h2>${unknown ? `<p>${unknown}</p>` : ''}
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
                <div class="chart treemap" id="treemap" role="img" aria-label="${esc(CHILD_ZH[d.kind])}矩形树图：面积为实有人口，颜色为化解率。各项数值及进入各区划的链接见本节表格"></div>
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
      d.kind === 'county' || d.kind === 'township'
        ? `<section id="dispatches" class="panel" aria-labelledby="dispatches-title"><h3 id="dispatches-title">吹哨报到·分部门 <small>统计期内吹哨，按县直部门</small></h3><div id="dispatch-table" role="status">正在载入吹哨报到…</div>${dispatchDownloads({ ...d, kind: d.kind })}</section>`
        : ''
    }
    ${
      inHand
        ? `<section id="in-hand" class="panel" aria-labelledby="in-hand-title">
            <h3 id="in-hand-title">在办案件 <small>当前全部，不限统计期</small></h3>
            <p class="filters"><label for="in-hand-filter">状态</label>
              <select id="in-hand-filter"><option value="">全部在办</option>${inHand.statuses
                .map((s) => `<option value="${s.key}"${s === chosen ? ' selected' : ''}>${esc(s.zh)}</option>`)
                .join('')}</select></p>
            <div id="in-hand-list" role="status">正在载入在办案件…</div>
          </section>`
        : ''
    }
    ${
      readsRecords() && (d.kind === 'county' || d.kind === 'township' || d.kind === 'village')
        ? `<section id="cases" class="panel" aria-labelledby="cases-title"><h3 id="cases-title">超期与督办案件 <small>当前全部，不限统计期</small></h3><div id="case-list" role="status">正在载入案件…</div></section>`
        : `<p class="note" id="cases-note">${casesNote()}</p>`
    }`;
  main.removeAttribute('aria-busy');
  performance.mark('hub:figures');
  // 隐患整改: a reader opens the open hazards of a village, township or county from its hazard card.
  if ((d.kind === 'village' || d.kind === 'township' || d.kind === 'county') && readsRecords())
    main
      .querySelector('[data-figure="hazards"]')
      ?.insertAdjacentHTML('beforeend', `<p class="note"><a href="${hazardsHref(d.code)}">查看未整改隐患与整改记录</a></p>`);

  if (d.kind === 'county' || d.kind === 'township') void showDispatches(d, p, mine);

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
        alert(messageOf(e));
      } finally {
        b.disabled = false;
      }
    }),
  );
  void showRiskSignals(d.code, mine);
  if (inHand) {
    const select = document.getElementById('in-hand-filter') as HTMLSelectElement;
    // The address names the status chosen, so a link or bookmark opens the same list; only the list is fetched again.
    select.addEventListener('change', () => {
      history.replaceState(history.state, '', `${location.pathname}${location.search}${inHandHref(division.code, select.value)}`);
      void showInHand(division, inHand, select.value, mine);
    });
    void showInHand(division, inHand, chosen?.key ?? '', mine);
  }
  if (document.getElementById('cases')) await showCases(d, mine);
}

/**
 * A grid worker's own page (a token whose jurisdiction is a 15-digit grid code): the grid's cases in hand (在办, a page
 * at a time, each opening its case), its open hazards (their count, opening the grid's 隐患整改 list) and its early
 * warnings, which it reads as it reads the grid's statistics. Its village's figures lie outside its jurisdiction, and
 * the grid's population and records are the grid worker app's.
 */
export async function showGrid(code: string): Promise<void> {
  const mine = navigate();
  loading();
  const target = { href: divisionHref(code), fallback: `网格 ${code}` };
  let name: string;
  let hazards: number | undefined;
  try {
    const grid = (await request(GridName, { code, records: readsRecords() })).grid;
    if (!isCurrent(mine)) return;
    if (!grid) {
      showRefusal(target, '不存在', `没有网格 ${code}。`);
      return;
    }
    name = grid.name;
    if (grid.reported && grid.rectifying) hazards = grid.reported.totalCount + grid.rectifying.totalCount;
  } catch (e) {
    if (isCurrent(mine)) showError(e, target);
    return;
  }
  known.set(divisionHref(code), name);
  showWho();
  setLastPlace({ href: divisionHref(code), name });
  renderCrumbs([], name);
  const p = period();
  disposeCharts();
  main.dataset.view = 'grid';
  main.dataset.code = code;
  main.innerHTML = `
    <h2 class="title">${esc(name)} <small>网格 · ${esc(code)} · 统计期 ${esc(p.label)}，${p.from} 至 ${p.to}</small></h2>
    <p class="note">网格员的令牌只能查看本网格：这里列出本网格的在办案件、未整改隐患和苗头预警；本网格的人口统计和记录请在网格员应用中查看。</p>
    ${
      readsRecords()
        ? `<section id="in-hand" class="panel" aria-labelledby="in-hand-title">
            <h3 id="in-hand-title">在办案件 <small>当前全部，不限统计期</small></h3>
            <div id="in-hand-list" role="status">正在载入在办案件…</div>
          </section>`
        : ''
    }
    ${
      hazards !== undefined
        ? `<section id="grid-hazards" class="panel" aria-labelledby="grid-hazards-title" data-total="${hazards}">
            <h3 id="grid-hazards-title">未整改隐患（${num(hazards)}）</h3>
            <p>${hazards ? `<a href="${hazardsHref(code)}">查看本网格未整改的 ${num(hazards)} 条隐患与整改记录</a>` : '本网格没有未整改的隐患。'}</p>
          </section>`
        : ''
    }
    <section id="risk" class="panel" aria-labelledby="risk-title" hidden>
      <h3 id="risk-title">苗头预警</h3>
      <div id="risk-list"></div>
    </section>`;
  main.removeAttribute('aria-busy');
  // The signals are about its village, whose page a grid worker may not open: named, not linked.
  const signals = showRiskSignals(code, mine, false);
  if (readsRecords()) await showInHand({ code, kind: 'grid' }, IN_HAND.grid, '', mine);
  await signals;
}

/** Why a division's view lists no cases: the caller's token, or a level whose cases its counties list. */
function casesNote(): string {
  // A county department reads the cases of its own dispatches only, listed on its inbox (inbox-view.ts).
  if (claims?.department) return '县直部门只能查看派给本部门的吹哨任务及其案件：见<a href="#/inbox">部门待办</a>。';
  return mayRead() ? '超期与督办案件在县、乡镇、村的页面列出。' : '当前令牌只有统计权限：只显示统计数字，不显示案件。';
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
 * only with `read`). Each signal links to its division (`linked`: a page the
 * caller may open) and, for readers, to the cases behind it.
 */
async function showRiskSignals(code: string, mine: number, linked = true): Promise<void> {
  const section = document.getElementById('risk')!;
  const list = document.getElementById('risk-list')!;
  const p = period();
  let r;
  try {
    r = (await request(RiskSignals, { code, from: p.from, to: p.to })).riskSignals;
  } catch (e) {
    if (!isCurrent(mine)) return;
    section.hidden = false;
    list.innerHTML = `<p class="error" role="alert">苗头预警载入失败：${esc(messageOf(e))}</p>`;
    return;
  }
  if (!isCurrent(mine)) return;
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
      ${linked ? `<a href="#/division/${esc(s.division.code)}">${esc(s.division.name)}</a>` : `<span>${esc(s.division.name)}</span>`}
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

/** How many cases a list shows at a time, and adds at each 加载更多 (the address's ?pageSize= may say otherwise). */
const CASES_PAGE = 50;

/** The statuses of a case still open at some level: a 督办 order on one of them is still to be met. */
const OPEN: DisputeFilter['status'] = [...OPEN_STATUSES];

/** A case as the division's list shows it: overdue since the deadline `due` (null: not overdue). */
/** A listed case, with the deadline it missed (`due`) and the hours since, when the hub counts them (`hours`). */
type Listed = CaseRowFragment & { due: string | null; hours: number | null };

interface CasePart {
  key: string;
  title: string;
  /** The order the API gives the list, in words. */
  order: string;
  empty: string;
  page: (after: string | null) => Promise<Paged<Listed> | null>;
}

/**
 * A division's case lists, each a page at a time in the API's DUE_FIRST order: 超期 (every overdue case, by the
 * deadline it missed, the longest overdue first) and 督办 (every open case under a county's order, the overdue first in
 * the same order, then the rest by their next deadline); a township adds the cases overdue in its own inbox, by its
 * own settle deadline. A case may stand in more than one list (overdue and supervised).
 */
function caseParts(d: Division): CasePart[] {
  const flags = { village: d.kind === 'village', township: d.kind === 'township', county: d.kind === 'county' };
  const own = (c: CaseRowFragment): Listed => ({ ...c, due: c.overdueSince ?? null, hours: c.overdueHours ?? null });
  const of =
    (filter: DisputeFilter) =>
    async (after: string | null): Promise<Paged<Listed> | null> => {
      const r = await request(DivisionCases, { code: d.code, ...flags, filter, first: pageSize(CASES_PAGE), after });
      const c = r.village?.disputes ?? r.township?.villageDisputes ?? r.county?.disputes;
      return c ? { ...c, nodes: c.nodes.map(own) } : null;
    };
  const inbox = async (after: string | null): Promise<Paged<Listed> | null> => {
    const c = (await request(TownshipInboxOverdue, { code: d.code, first: pageSize(CASES_PAGE), after })).township?.disputes;
    // A case in the township's inbox is overdue by the township's own settle deadline (TownshipCase.overdue), and
    // late by the hours and days since it (TownshipCase.overdueSince, overdueHours), as a village case by its own.
    return c
      ? {
          ...c,
          nodes: c.nodes.map((t) => ({
            ...t.dispute,
            overdue: t.overdue,
            underSupervision: t.underSupervision,
            due: t.overdueSince ?? t.settleBy,
            hours: t.overdueHours ?? null,
          })),
        }
      : null;
  };
  return [
    {
      key: 'overdue',
      title: '超期',
      order: d.kind === 'village' ? '超期最久的在前' : '下辖各村（社区）的案件，各级办理中的，超期最久的在前',
      empty: '没有超期的案件。',
      page: of({ overdue: true }),
    },
    ...(d.kind === 'township'
      ? [
          {
            key: 'inbox',
            title: '乡镇受理超期',
            order: '乡镇综治中心受理、超过其化解时限的案件，到期早的在前（待受理的按联系时限）',
            empty: '乡镇综治中心没有超期的案件。',
            page: inbox,
          },
        ]
      : []),
    {
      key: 'supervised',
      title: '督办',
      order: '未办结的督办案件，超期的在前，其余到期早的在前',
      empty: '没有未办结的督办案件。',
      page: of({ underSupervision: true, status: OPEN }),
    },
  ];
}

async function showCases(d: Division, mine: number): Promise<void> {
  const list = document.getElementById('case-list')!;
  const parts = caseParts(d);
  let firsts: (Paged<Listed> | null)[];
  try {
    firsts = await Promise.all(parts.map((p) => p.page(null)));
  } catch (e) {
    if (isCurrent(mine)) list.innerHTML = `<p class="error" role="alert">${esc(messageOf(e))}</p>`;
    return;
  }
  if (!isCurrent(mine)) return;
  list.removeAttribute('role');
  list.innerHTML = parts
    .map((p, i) => {
      const total = firsts[i]?.totalCount ?? 0;
      return `<section class="case-part" id="cases-${p.key}" data-part="${p.key}" data-total="${total}" aria-labelledby="cases-${p.key}-title">
        <h4 id="cases-${p.key}-title">${esc(p.title)} · 共 ${num(total)} 件 <small>${esc(p.order)}</small></h4>
        ${
          total
            ? `<div class="table-wrap"><table class="cases text">
          <caption class="visually-hidden">${esc(p.title)}案件，${esc(p.order)}</caption>
          <thead><tr><th scope="col">案件编号</th><th scope="col">村（社区）</th><th scope="col">类别</th><th scope="col">状态</th><th scope="col">办理层级</th><th scope="col">登记时间</th><th scope="col">超期天数</th><th scope="col">标记</th></tr></thead>
          <tbody></tbody></table></div>`
            : `<p>${esc(p.empty)}</p>`
        }
        ${MORE_HTML}
      </section>`;
    })
    .join('');
  parts.forEach((p, i) => {
    const first = firsts[i];
    const section = document.getElementById(`cases-${p.key}`)!;
    const body = section.querySelector('tbody');
    if (!first || !body) return;
    pagedList({
      within: section,
      first,
      next: p.page,
      append: (nodes) => {
        for (const c of nodes) known.set(caseHref(c.id), caseName(c.caseNumber));
        body.insertAdjacentHTML('beforeend', nodes.map((c) => caseRow(c)).join(''));
      },
      mine,
      unit: '件',
    });
  });
}

/**
 * A case's row: 超期 N 天 counted from the deadline it missed (a day begun counts whole), or 超期 N 小时 in its first
 * day (an hour begun counts whole, `Dispute.overdueHours`): the contact deadline is an hour, and a case 3 hours past
 * it is not a day late.
 */
function caseRow(c: Listed): string {
  const n = c.overdue && c.due ? daysPast(c.due) : undefined;
  const hours = n === 1 && c.hours != null && c.hours < 24 ? c.hours : undefined;
  return `<tr data-id="${esc(c.id)}"><th scope="row"><a href="#/case/${encodeURIComponent(c.id)}">${esc(c.caseNumber)}</a></th><td>${esc(c.village.name)}</td><td>${esc(
    CATEGORY[c.category],
  )}</td><td>${esc(statusHere(c))}</td><td>${esc(LEVEL[c.handlingLevel])}</td><td>${esc(c.reportedAt.slice(0, 10))}</td><td class="days" data-days="${n ?? ''}"${
    n && c.due ? ` title="时限 ${esc(wallClock(c.due))}"` : ''
  }${hours ? ` data-hours="${hours}"` : ''}>${hours ? `超期 ${hours} 小时` : n ? `超期 ${n} 天` : ''}</td><td>${c.overdue ? '<span class="badge unmet">超期</span>' : ''}${
    c.underSupervision ? '<span class="badge warn">督办</span>' : ''
  }</td></tr>`;
}

/**
 * 吹哨报到·分部门: how each county department answered the division's 吹哨 of the period (报到 and 反馈, on time or
 * not), the rows as the API orders them (by department kind) and a total row, so a leader sees which department is slow.
 */
async function showDispatches(d: Division, p: { from: string; to: string }, mine: number): Promise<void> {
  const box = document.getElementById('dispatch-table')!;
  let s: DispatchFiguresFragment | undefined;
  try {
    const r = await request(DivisionDispatches, { code: d.code, county: d.kind === 'county', township: d.kind === 'township', from: p.from, to: p.to });
    s = (d.kind === 'county' ? r.county?.dispatchStats : r.township?.dispatchStats) ?? undefined;
  } catch (e) {
    if (isCurrent(mine)) box.textContent = `吹哨报到未能载入：${messageOf(e)}`;
    return;
  }
  if (!isCurrent(mine) || !s) return;
  // A department's row and the total row count the same things (the API's DispatchCounts), so the total is their sum.
  type Row = Omit<DispatchFiguresFragment['byDepartment'][number], 'departmentKind' | 'departmentName'>;
  // A department's name opens its dispatches of the period shown, for a reader of records: the county's and township's
  // desks, or a department's own caller for its own row of its county (the hub lists it no other department's, and no
  // township's list).
  const lists = (kind: string) => mayRead() && (!claims?.department || (claims.department === kind && d.kind === 'county'));
  // 报到超时 and 反馈超时: the late ones of 应报到 and 应反馈. A department's figure above 0 opens the list of exactly
  // those (the hub's acknowledgedLate and answeredLate filters count as these figures do), named by what it counts.
  // The 合计 row's figures open every department's late ones, for the desks that read every department's list.
  const late = (n: number, zh: string, key: string, x?: DispatchFiguresFragment['byDepartment'][number]) =>
    `<td class="late" data-late="${key}">${
      n > 0 && (x ? lists(x.departmentKind) : readsRecords())
        ? `<a href="${dispatchListHref(d.code, x?.departmentKind ?? ALL_DEPARTMENTS, key)}" aria-label="${esc(x?.departmentName ?? '各部门合计')}${zh} ${num(n)} 件">${num(n)}</a>`
        : num(n)
    }</td>`;
  const cells = (x: Row, dept?: DispatchFiguresFragment['byDepartment'][number]) =>
    [x.dispatched, x.acknowledged, x.acknowledgedOnTime, x.reported, x.reportedOnTime, x.overdue, x.withdrawn].map((n) => `<td>${num(n)}</td>`).join('') +
    `<td>${rateOf(x.onTimeRate, x.answerDue)}</td><td>${num(x.acknowledgeDue)}</td>` +
    late(x.acknowledgeDue - x.acknowledgedOnTime, '报到超时', 'ACKNOWLEDGED_LATE', dept) +
    late(x.answerDue - x.reportedOnTime, '反馈超时', 'ANSWERED_LATE', dept);
  const department = (x: DispatchFiguresFragment['byDepartment'][number]) =>
    lists(x.departmentKind)
      ? `<a href="${dispatchListHref(d.code, x.departmentKind)}" title="列出${esc(x.departmentName)}本统计期的吹哨任务">${esc(x.departmentName)}</a>`
      : esc(x.departmentName);
  box.removeAttribute('role');
  box.innerHTML = `<div class="table-wrap"><table class="dispatches"><caption class="visually-hidden">吹哨报到·分部门</caption>
    <thead><tr><th scope="col">部门</th><th scope="col">吹哨</th><th scope="col">报到</th><th scope="col">按时报到</th><th scope="col">反馈</th><th scope="col">按时反馈</th><th scope="col">超期</th><th scope="col">撤回</th><th scope="col">按时反馈率</th><th scope="col" title="报到已给出或时限已过的吹哨：按时报到以它为基数，报到超时为应报到减按时报到">应报到</th><th scope="col" title="应报到减按时报到：点击数字列出这些吹哨">报到超时</th><th scope="col" title="应反馈（已反馈或反馈时限已过）减按时反馈：点击数字列出这些吹哨">反馈超时</th></tr></thead>
    <tbody>${s.byDepartment.map((x) => `<tr data-kind="${esc(x.departmentKind)}"><th scope="row">${department(x)}</th>${cells(x, x)}</tr>`).join('')}</tbody>
    <tfoot><tr><th scope="row">合计</th>${cells(s)}</tr></tfoot></table></div>`;
}

/** A division's address with its 在办 list's status filter (none: every status in hand). */
const inHandHref = (code: string, status = ''): string => (status ? `${divisionHref(code)}/${status}` : divisionHref(code));

/** A case in hand as its row shows it, at a village (the dispute) or at a township (its inbox's record of it). */
interface InHandRow {
  id: string;
  caseNumber: string;
  status: string;
  /** The status where the case is handled now, as the room names it at that level. */
  statusZh: string;
  /** The level handling it, at a village (a case it escalated is the township's or the county's now). */
  level?: string;
  village: string;
  category: CaseRowFragment['category'];
  reportedAt: string;
  /** The deadline it answers next: 联系 before it is accepted, else 化解. */
  due: { zh: string; at: string };
  overdue: boolean;
  underSupervision: boolean;
}

interface InHandList {
  /** The statuses in hand at this level, as the filter offers them, in the loop's order. */
  statuses: { key: string; zh: string }[];
  order: string;
  page: (code: string, status: string, after: string | null) => Promise<Paged<InHandRow> | null>;
}

/** The village record's statuses in hand (not done: domain/case-statuses.ts), 已上报 among them: a case the village escalated is still its case while a level above settles it. */
const VILLAGE_IN_HAND = OPEN_STATUSES satisfies readonly DisputeStatus[];
/** The township record's statuses in hand: all but those in which it is done (domain/case-engine.ts CLOSED: 已化解, 已上报县, 已退回村级). */
const TOWNSHIP_IN_HAND = ['RECEIVED', 'ACCEPTED', 'ASSIGNED', 'MEDIATING'] as const satisfies readonly TownshipCaseStatus[];

/** The filter's words for a status: a case not yet accepted says it waits for 受理; one escalated, who has it now. */
const FILTER_NOTE: Record<string, string> = { REPORTED: '（待受理）', RECEIVED: '（待受理）', ESCALATED: '（乡镇、县办理中）' };

const inHandPage = async (code: string, village: boolean, status: string, statuses: readonly string[], after: string | null) =>
  request(InHandCases, {
    code,
    village,
    township: !village,
    // A status is one of the level's own (the filter offers no other): the other level's filter is not sent.
    ...(village
      ? { filter: { status: (status ? [status] : statuses) as DisputeStatus[] } }
      : { townshipFilter: { status: (status ? [status] : statuses) as TownshipCaseStatus[] } }),
    first: pageSize(CASES_PAGE),
    after,
  });

/**
 * 在办 The cases a village or a township has in hand, every status not yet done at that level or the one the filter
 * chose, a page at a time in the API's DUE_FIRST order (the overdue above all, then what falls due next). A village
 * lists its own disputes (`Village.disputes`); a township its 综治中心's inbox (`Township.disputes`), the cases escalated
 * to it that it has not yet settled, escalated or returned.
 */
/** A village's (or grid's) dispute as its 在办 row shows it. */
const disputeInHand = (d: CaseRowFragment & { deadlines: { contactBy: string; settleBy: string } }): InHandRow => ({
  id: d.id,
  caseNumber: d.caseNumber,
  status: d.status,
  statusZh: statusHere(d),
  level: LEVEL[d.handlingLevel],
  village: d.village.name,
  category: d.category,
  reportedAt: d.reportedAt,
  due: d.status === 'REPORTED' ? { zh: '联系', at: d.deadlines.contactBy } : { zh: '化解', at: d.deadlines.settleBy },
  overdue: d.overdue,
  underSupervision: d.underSupervision,
});

const IN_HAND = {
  village: {
    statuses: VILLAGE_IN_HAND.map((s) => ({ key: s, zh: `${STATUS[s]}${FILTER_NOTE[s] ?? ''}` })),
    order: '本村（社区）未办结的案件，超期的在前，其余到期早的在前（待受理的按联系时限）',
    page: async (code, status, after) => {
      const c = (await inHandPage(code, true, status, VILLAGE_IN_HAND, after)).village?.disputes;
      return c ? { ...c, nodes: c.nodes.map(disputeInHand) } : null;
    },
  },
  // A grid's disputes in the village's statuses in hand: a grid worker's own cases, the same rows as its village's.
  grid: {
    statuses: [],
    order: '本网格未办结的案件，超期的在前，其余到期早的在前（待受理的按联系时限）',
    page: async (code, _status, after) => {
      const g = (await request(GridInHand, { code, filter: { status: [...VILLAGE_IN_HAND] }, first: pageSize(CASES_PAGE), after })).grid;
      if (!g) return null;
      return { ...g.disputes, nodes: g.disputes.nodes.map(disputeInHand) };
    },
  },
  township: {
    statuses: TOWNSHIP_IN_HAND.map((s) => ({ key: s, zh: `${TOWNSHIP_STATUS[s]}${FILTER_NOTE[s] ?? ''}` })),
    order: '乡镇综治中心接收、尚未化解或上报、退回的案件，超期的在前，其余到期早的在前（待受理的按联系时限）',
    page: async (code, status, after) => {
      const c = (await inHandPage(code, false, status, TOWNSHIP_IN_HAND, after)).township?.disputes;
      if (!c) return null;
      return {
        ...c,
        nodes: c.nodes.map((t) => ({
          id: t.dispute.id,
          caseNumber: t.dispute.caseNumber,
          status: t.status,
          statusZh: TOWNSHIP_STATUS[t.status],
          village: t.dispute.village.name,
          category: t.dispute.category,
          reportedAt: t.dispute.reportedAt,
          due: t.status === 'RECEIVED' ? { zh: '联系', at: t.contactBy } : { zh: '化解', at: t.settleBy },
          overdue: t.overdue,
          underSupervision: t.underSupervision,
        })),
      };
    },
  },
} satisfies Record<'village' | 'grid' | 'township', InHandList>;

/** Fills the 在办 list with its first page of `status` (none: every status in hand), replacing what it showed. */
async function showInHand(d: { code: string; kind: string }, list: InHandList, status: string, mine: number): Promise<void> {
  const box = document.getElementById('in-hand-list')!;
  const chosen = list.statuses.find((s) => s.key === status);
  box.setAttribute('aria-busy', 'true');
  let first: Paged<InHandRow> | null;
  try {
    first = await list.page(d.code, status, null);
  } catch (e) {
    if (!isCurrent(mine)) return;
    box.removeAttribute('aria-busy');
    box.innerHTML = `<p class="error" role="alert">在办案件载入失败：${esc(messageOf(e))}</p>`;
    return;
  }
  // Another status chosen since, or another view: the newer answer draws the list.
  if (!isCurrent(mine) || ((document.getElementById('in-hand-filter') as HTMLSelectElement | null)?.value ?? '') !== status) return;
  box.removeAttribute('aria-busy');
  box.removeAttribute('role');
  const total = first?.totalCount ?? 0;
  const title = chosen ? `在办 · ${chosen.zh}` : '在办';
  const section = document.getElementById('in-hand')!;
  section.dataset.total = String(total);
  section.dataset.status = status;
  document.getElementById('in-hand-title')!.innerHTML = `${esc(title)}案件 · 共 ${num(total)} 件 <small>${esc(list.order)} · 当前全部，不限统计期</small>`;
  // A village's cases (its grids' too) name the level handling each: a case it escalated is in hand above it.
  const village = d.kind === 'village' || d.kind === 'grid';
  box.innerHTML = `${
    total
      ? `<div class="table-wrap"><table class="in-hand text">
    <caption class="visually-hidden">${esc(title)}案件，${esc(list.order)}</caption>
    <thead><tr><th scope="col">案件编号</th><th scope="col">状态</th>${village ? '<th scope="col">办理层级</th>' : ''}<th scope="col">下一时限</th><th scope="col">村（社区）</th><th scope="col">类别</th><th scope="col">登记时间</th><th scope="col">标记</th></tr></thead>
    <tbody></tbody></table></div>`
      : `<p>${chosen ? `没有${esc(chosen.zh)}的在办案件。` : '没有在办的案件。'}</p>`
  }${MORE_HTML}`;
  const body = box.querySelector('tbody');
  if (!first || !body) return;
  pagedList({
    within: box,
    first,
    next: (after) => list.page(d.code, status, after),
    append: (nodes) => {
      for (const c of nodes) known.set(caseHref(c.id), caseName(c.caseNumber));
      body.insertAdjacentHTML('beforeend', nodes.map((c) => inHandRow(c, village)).join(''));
    },
    mine,
    unit: '件',
  });
}

/** A case in hand: what the desk acts on first (its status and the deadline it answers next), then where and what it is. */
function inHandRow(c: InHandRow, village: boolean): string {
  return `<tr data-id="${esc(c.id)}" data-status="${esc(c.status)}"><th scope="row"><a href="${caseHref(c.id)}">${esc(c.caseNumber)}</a></th><td>${esc(
    c.statusZh,
  )}</td>${village ? `<td>${esc(c.level ?? '')}</td>` : ''}<td class="due">${esc(c.due.zh)} ${esc(wallClock(c.due.at))}</td><td>${esc(c.village)}</td><td>${esc(
    CATEGORY[c.category],
  )}</td><td>${esc(c.reportedAt.slice(0, 10))}</td><td>${c.overdue ? '<span class="badge unmet">超期</span>' : ''}${
    c.underSupervision ? '<span class="badge warn">督办</span>' : ''
  }</td></tr>`;
}
