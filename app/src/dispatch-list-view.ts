/// <reference lib="dom" />
/**
 * 吹哨任务 The dispatches behind one row of a county's or township's 吹哨报到·分部门: those made to one department in
 * the period shown (统计期, the address's ?period=), newest first, a page at a time, each opening its case (not a
 * withdrawn one, for the department's own caller: that case is refused to it), each late 报到 and 反馈 marked (报到超时,
 * 反馈超时) as the figures count it. The list may be narrowed to the late 报到 (as many as
 * 应报到 − 按时报到) or the late 反馈 (应反馈 − 按时反馈): the address names the division, the department and that
 * choice (#/dispatches/<code>/<kind>[/<late>]), so a link or bookmark opens the same list. Needs `read`.
 * The kind `all` (ALL_DEPARTMENTS, never a department's kind: those are upper case) lists every department's dispatches
 * of the period, a column naming each one's department: what the 合计 row of 吹哨报到·分部门 counts, for the county's and
 * township's desks (a department's own caller reads its own only, and is told so).
 */
import { disposeCharts } from './charts.ts';
import { HubError, request } from './client.ts';
import { esc, num, wallClock } from './format.ts';
import type { DispatchFilter, DispatchListPageFragment } from './generated/graphql.ts';
import { DISPATCH_STATUS } from './labels.ts';
import {
  caseHref,
  caseName,
  claims,
  divisionHref,
  isCurrent,
  known,
  loading,
  main,
  navigate,
  renderCrumbs,
  setLastPlace,
  showWho,
  unknownNotice,
  type Crumb,
} from './page.ts';
import { MORE_HTML, pagedList, pageSize } from './paging.ts';
import { period } from './period.ts';
import { DivisionDispatchList } from './queries.ts';
import { showError, showRefusal } from './refusals.ts';

/** The list's choices beyond all of the department's dispatches: the late 报到 or the late 反馈 (DispatchFilter). */
const LATE: Record<string, { zh: string; filter: DispatchFilter }> = {
  ACKNOWLEDGED_LATE: { zh: '报到超时', filter: { acknowledgedLate: true } },
  ANSWERED_LATE: { zh: '反馈超时', filter: { answeredLate: true } },
};

/** The route's kind for every department's dispatches (the 合计 row). */
export const ALL_DEPARTMENTS = 'all';

/** The address of a division's dispatches to a department in the period shown (the period stays in ?period=). */
export const dispatchListHref = (code: string, kind: string, late = ''): string => `#/dispatches/${code}/${encodeURIComponent(kind)}${late ? `/${late}` : ''}`;
/** Whether the page lists this: a county's or a township's (6 or 9 digits) dispatches. */
export const listsDispatchesOf = (code: string): boolean => /^(\d{6}|\d{9})$/.test(code);

/** How many dispatches the list shows at a time, and adds at each 加载更多 (the address's ?pageSize= may say otherwise). */
const PAGE = 50;

type Dispatch = DispatchListPageFragment['nodes'][number];

/** The list of `late` (ACKNOWLEDGED_LATE, ANSWERED_LATE, or none: all); a choice it does not know lists all and says so. */
export async function showDispatchList(code: string, kind: string, late: string): Promise<void> {
  const mine = navigate();
  loading();
  const p = period();
  const shown = known.get(divisionHref(code));
  const chosen = Object.hasOwn(LATE, late) ? LATE[late] : undefined;
  const unknown = late && !chosen ? late : '';
  const target = { href: dispatchListHref(code, kind, chosen ? late : ''), fallback: `${shown ?? `区划 ${code}`}的吹哨任务` };
  const county = code.length === 6;
  const every = kind === ALL_DEPARTMENTS;
  if (every && claims?.department) {
    // The hub lists a department its own dispatches only: a list under 各部门 would show them as every department's.
    showRefusal(target, '无权查看', '各部门的吹哨任务由县（市、区）和乡镇的综治中心查看；本部门的吹哨任务见部门待办。');
    return;
  }
  const filter: DispatchFilter = { from: p.from, to: p.to, ...(every ? {} : { departmentKind: kind }), ...(chosen?.filter ?? {}) };
  const fetchPage = async (after: string | null) => {
    const r = await request(DivisionDispatchList, { code, county, township: !county, filter, first: pageSize(PAGE), after });
    if (r.county) return { code: r.county.code, name: r.county.name, above: [] as Crumb[], departments: r.county.departments, page: r.county.dispatches };
    if (r.township) {
      const { county: above } = r.township;
      return {
        code: r.township.code,
        name: r.township.name,
        above: above ? [{ code: above.code, name: above.name }] : [],
        departments: above?.departments ?? [],
        page: r.township.dispatches,
      };
    }
    return null;
  };
  let v;
  try {
    v = await fetchPage(null);
  } catch (e) {
    if (!isCurrent(mine)) return;
    // A kind the county has no department of (a mistyped or stale address): no retry would list it.
    if (e instanceof HubError && e.code === 'BAD_USER_INPUT' && e.extensions['argument'] === 'filter.departmentKind') {
      showRefusal(target, '不存在', `没有类别为“${kind}”的县直部门。`);
    } else showError(e, target);
    return;
  }
  if (!isCurrent(mine)) return;
  if (!v) {
    showRefusal(target, '不存在', `没有${county ? '县（市、区）' : '乡镇'} ${code}。`);
    return;
  }
  if (unknown) history.replaceState(history.state, '', `${location.pathname}${location.search}${target.href}`);
  // A department is named from its county's directory: a period in which it was sent nothing has no row to name it.
  const department = every ? '各部门' : (v.departments.find((d) => d.kind === kind)?.name ?? v.page.nodes[0]?.departmentName ?? kind);
  disposeCharts();
  main.removeAttribute('aria-busy');
  main.dataset.view = 'dispatches';
  main.dataset.code = v.code;
  for (const d of [...v.above, v]) known.set(divisionHref(d.code), d.name);
  const title = `${v.name}${department}吹哨任务`;
  known.set(target.href, title);
  setLastPlace({ href: target.href, name: title });
  showWho();
  renderCrumbs([...v.above, { code: v.code, name: v.name }], `${department} · 吹哨任务`);
  const total = v.page.totalCount;
  main.innerHTML = `
    <h2 class="title">${esc(v.name)} · ${esc(department)} <small>吹哨任务 · ${esc(p.label)}吹哨的${chosen ? `，${esc(chosen.zh)}的` : ''}，新的在前</small></h2>
    <section id="dispatch-list" class="panel" aria-labelledby="dispatch-list-title" data-total="${total}" data-kind="${esc(kind)}">
      <h3 id="dispatch-list-title">吹哨任务 · 共 ${num(total)} 件</h3>
      <p class="filters"><label for="dispatch-late">筛选</label>
        <select id="dispatch-late"><option value="">全部</option>${Object.entries(LATE)
          .map(([k, l]) => `<option value="${k}"${k === late ? ' selected' : ''}>${esc(l.zh)}</option>`)
          .join('')}</select>${unknown ? unknownNotice('筛选', unknown, '全部') : ''}</p>
      ${
        total
          ? `<div class="table-wrap"><table class="dispatch-list text">
        <caption class="visually-hidden">${esc(department)}的吹哨任务，新的在前</caption>
        <thead><tr><th scope="col">案件编号</th><th scope="col">状态</th><th scope="col">吹哨时间</th>${every ? '<th scope="col">部门</th>' : ''}${county ? '<th scope="col">吹哨乡镇</th>' : ''}<th scope="col">报到</th><th scope="col">反馈</th></tr></thead>
        <tbody></tbody></table></div>`
          : `<p>${esc(p.label)}没有${chosen ? `${esc(chosen.zh)}的` : ''}派给${esc(department)}的吹哨任务。</p>`
      }
      ${MORE_HTML}
    </section>
    <p class="note"><a href="${divisionHref(v.code)}">返回${esc(v.name)}的吹哨报到·分部门</a></p>`;
  main.querySelector<HTMLSelectElement>('#dispatch-late')!.addEventListener('change', (e) => {
    location.hash = dispatchListHref(code, kind, (e.target as HTMLSelectElement).value);
  });
  const body = main.querySelector('tbody');
  if (!body) return;
  pagedList({
    within: main.querySelector<HTMLElement>('#dispatch-list')!,
    first: v.page,
    next: async (after) => (await fetchPage(after))?.page ?? null,
    append: (nodes) => {
      for (const d of nodes) if (opensCase(d)) known.set(caseHref(d.townshipCase.dispute.id), caseName(d.townshipCase.caseNumber));
      body.insertAdjacentHTML('beforeend', nodes.map((d) => row(d, county, every)).join(''));
    },
    mine,
    unit: '件',
  });
}

/** 报到 or 反馈 of a dispatch: when it was taken (or its deadline while not), marked late as the figures count it. */
function step(at: string | null | undefined, by: string, late: boolean | null | undefined, zh: string): string {
  const when = at ? `${esc(wallClock(at))}` : `时限 ${esc(wallClock(by))}`;
  return `<td class="${zh === '报到' ? 'ack' : 'answer'}" data-late="${late == null ? '' : String(late)}">${when}${late ? `<span class="badge unmet">${zh}超时</span>` : ''}</td>`;
}

/**
 * Whether the row opens its case: a dispatch the township withdrew is no longer the department's, and its case is
 * refused to the department's own caller (NOT_FOUND), so for it the row names the case without a link; the county's
 * and township's desks read the case either way.
 */
const opensCase = (d: Dispatch): boolean => !(claims?.department && d.status === 'WITHDRAWN');

function row(d: Dispatch, county: boolean, every: boolean): string {
  const c = d.townshipCase;
  const township = d.township;
  const number = opensCase(d)
    ? `<a href="${caseHref(c.dispute.id)}">${esc(c.caseNumber)}</a>`
    : `<span class="case-number" title="已撤回的吹哨：案件不再由本部门查看">${esc(c.caseNumber)}</span>`;
  const status =
    d.status === 'WITHDRAWN' && d.withdrawnAt
      ? `${esc(DISPATCH_STATUS[d.status])}<small class="withdrawn-at"> 于 ${esc(wallClock(d.withdrawnAt))}</small>`
      : esc(DISPATCH_STATUS[d.status]);
  return `<tr data-id="${esc(d.id)}" data-status="${d.status}"><th scope="row">${number}</th><td>${status}</td><td>${esc(wallClock(d.dispatchedAt))}</td>${every ? `<td class="department">${esc(d.departmentName)}</td>` : ''}${county ? `<td>${township ? esc(township.name) : '—'}</td>` : ''}${step(
    d.acknowledgedAt,
    d.acknowledgeBy,
    d.acknowledgedLate,
    '报到',
  )}${step(d.reportedAt, d.reportBy, d.answeredLate, '反馈')}</tr>`;
}
