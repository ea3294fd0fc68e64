/// <reference lib="dom" />
/**
 * 部门待办 A county department's own page: the dispatches (吹哨) its county's townships sent it, read-only, what it
 * owes next first (the API's DUE_FIRST order: overdue above all, then the next deadline, 报到 before it is acknowledged
 * and 反馈 after, those reported on after every open one), a page at a time. A department's token reads these and
 * their cases, not the county's case lists: this page is its start page (main.ts) and each row opens its case.
 */
import { disposeCharts } from './charts.ts';
import { request } from './client.ts';
import { daysPast, esc, num, wallClock } from './format.ts';
import type { DepartmentInboxQuery, DispatchFilter, DispatchStatus } from './generated/graphql.ts';
import { CATEGORY, DISPATCH_STATUS } from './labels.ts';
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
} from './page.ts';
import { MORE_HTML, pagedList, pageSize, type Paged } from './paging.ts';
import { DepartmentInbox } from './queries.ts';
import { showError, showRefusal } from './refusals.ts';

/** The inbox's route; `#/inbox/<filter>` shows one status, or the overdue ones. */
export const INBOX_HREF = '#/inbox';
export const inboxHref = (filter = ''): string => (filter ? `${INBOX_HREF}/${filter}` : INBOX_HREF);

/** How many dispatches the inbox shows at a time, and adds at each 加载更多 (the address's ?pageSize= may say otherwise). */
const INBOX_PAGE = 50;

/**
 * The filters the inbox offers, as DispatchFilter says them. A dispatch the township withdrew (已撤回) is no longer
 * the department's work: the API lists it only when a filter asks for it (a status naming WITHDRAWN, or lateness), and
 * none of these does.
 */
const FILTERS: { key: string; zh: string; filter: DispatchFilter }[] = [
  { key: 'OVERDUE', zh: '超期', filter: { overdue: true } },
  ...(['DISPATCHED', 'ACKNOWLEDGED', 'REPORTED'] as const satisfies readonly DispatchStatus[]).map((s) => ({
    key: s,
    zh: `${DISPATCH_STATUS[s]}${s === 'DISPATCHED' ? '（待报到）' : s === 'ACKNOWLEDGED' ? '（待反馈）' : ''}`,
    filter: { status: [s] },
  })),
];
type Dispatch = DepartmentInboxQuery['departmentInbox']['nodes'][number];

/** The deadline a dispatch answers next: 报到 until acknowledged, then 反馈; none once reported. */
function nextDeadline(d: Dispatch): { zh: string; at: string } | undefined {
  if (d.reportedAt || d.status === 'REPORTED' || d.status === 'WITHDRAWN') return undefined;
  return d.acknowledgedAt || d.status === 'ACKNOWLEDGED' ? { zh: '反馈', at: d.reportBy } : { zh: '报到', at: d.acknowledgeBy };
}

/** The inbox, narrowed by the filter `key` names; a key it does not know shows every dispatch and says so. */
export async function showInbox(key: string): Promise<void> {
  const mine = navigate();
  const chosen = FILTERS.find((f) => f.key === key);
  const unknown = key && !chosen ? key : '';
  const target = { href: inboxHref(chosen?.key), fallback: '部门待办' };
  if (!claims?.department) {
    // Only a department's token has an inbox: the hub refuses departmentInbox to every other caller.
    showRefusal(target, '无法打开', '部门待办是县直部门的页面：只有县直部门的令牌可以打开。');
    return;
  }
  loading();
  const page = async (after: string | null): Promise<Paged<Dispatch>> =>
    (await request(DepartmentInbox, { ...(chosen ? { filter: chosen.filter } : {}), first: pageSize(INBOX_PAGE), after })).departmentInbox;
  let first: Paged<Dispatch>;
  try {
    first = await page(null);
  } catch (e) {
    if (isCurrent(mine)) showError(e, target);
    return;
  }
  if (!isCurrent(mine)) return;
  if (unknown) history.replaceState(history.state, '', `${location.pathname}${location.search}${target.href}`);
  const department = first.nodes[0]?.departmentName ?? claims.name;
  const title = `${department} · 部门待办`;
  disposeCharts();
  main.removeAttribute('aria-busy');
  main.dataset.view = 'inbox';
  delete main.dataset.code;
  known.set(target.href, title);
  setLastPlace({ href: target.href, name: title });
  showWho();
  renderCrumbs([], title);
  const total = first.totalCount;
  const county = claims.jurisdiction.slice(0, 6);
  main.innerHTML = `
    <h2 class="title">${esc(department)} <small>部门待办 · 派给本部门的吹哨任务（只读）</small></h2>
    <section id="inbox" class="panel" aria-labelledby="inbox-title" data-total="${total}">
      <h3 id="inbox-title">吹哨任务 · 共 ${num(total)} 件 <small>超期的在前，其余按下一时限（先报到、后反馈），已反馈的在后</small></h3>
      <p class="filters"><label for="inbox-filter">状态</label>
        <select id="inbox-filter"><option value="">全部</option>${FILTERS.map(
          (f) => `<option value="${f.key}"${f.key === key ? ' selected' : ''}>${esc(f.zh)}</option>`,
        ).join('')}</select>${unknown ? unknownNotice('筛选', unknown, '全部') : ''}</p>
      ${
        total
          ? `<div class="table-wrap"><table class="inbox text">
        <caption class="visually-hidden">派给本部门的吹哨任务，超期的在前，其余按下一时限</caption>
        <thead><tr><th scope="col">案件编号</th><th scope="col">状态</th><th scope="col">下一时限</th><th scope="col">超期天数</th><th scope="col">吹哨乡镇</th><th scope="col">吹哨时间</th><th scope="col">村（社区）</th><th scope="col">类别</th></tr></thead>
        <tbody></tbody></table></div>`
          : `<p>${chosen ? `没有${esc(chosen.zh)}的吹哨任务。` : '没有派给本部门的吹哨任务。'}</p>`
      }
      ${MORE_HTML}
    </section>
    <p class="note">本页只读：报到、反馈请在本部门的办理系统中提交。本县的统计数字见<a href="${divisionHref(county)}">本县页面</a>。</p>`;
  main.querySelector<HTMLSelectElement>('#inbox-filter')!.addEventListener('change', (e) => {
    location.hash = inboxHref((e.target as HTMLSelectElement).value);
  });
  const body = main.querySelector('tbody');
  if (!body) return;
  pagedList({
    within: main.querySelector<HTMLElement>('#inbox')!,
    first,
    next: page,
    append: (nodes) => {
      for (const d of nodes) known.set(caseHref(d.townshipCase.dispute.id), caseName(d.townshipCase.caseNumber));
      body.insertAdjacentHTML('beforeend', nodes.map(row).join(''));
    },
    mine,
    unit: '件',
  });
}

/**
 * A dispatch's row: what the department owes first (its status, next deadline and 超期 N 天, counted from the deadline
 * it missed, a day begun counted whole, as the case lists count), then who called it and when, so a phone's narrow
 * window shows what matters before the table scrolls.
 */
function row(d: Dispatch): string {
  const c = d.townshipCase.dispute;
  const next = nextDeadline(d);
  const n = d.overdue && next ? daysPast(next.at) : undefined;
  const township = c.village.township;
  const due = next ? `${next.zh} ${esc(wallClock(next.at))}` : d.reportedAt ? `已于 ${esc(wallClock(d.reportedAt))} 反馈` : '—';
  return `<tr data-id="${esc(d.id)}" data-status="${d.status}"><th scope="row"><a href="${caseHref(c.id)}">${esc(d.townshipCase.caseNumber)}</a></th><td>${esc(
    DISPATCH_STATUS[d.status],
  )}${d.overdue ? '<span class="badge unmet">超期</span>' : ''}</td><td class="due">${due}</td><td class="days" data-days="${n ?? ''}"${
    n && next ? ` title="${next.zh}时限 ${esc(wallClock(next.at))}"` : ''
  }>${n ? `超期 ${n} 天` : ''}</td><td>${township ? esc(township.name) : '—'}</td><td>${esc(wallClock(d.dispatchedAt))}</td><td>${esc(c.village.name)}</td><td>${esc(
    CATEGORY[c.category],
  )}</td></tr>`;
}
