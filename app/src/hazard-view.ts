/// <reference lib="dom" />
/**
 * 隐患整改 The open hazards (reported or being rectified) of a village, or of every village of a township or county:
 * the overdue ones first, then those being rectified, then those reported and not yet started, each part a page at a
 * time by its 整改期限 (the most overdue first), with its steps (who, when, the note) when opened; above a village each
 * hazard names its village. A grid worker's own token lists its grid's the same way. Needs `read`: the hub lists hazards
 * to readers only.
 */
import { disposeCharts } from './charts.ts';
import { request } from './client.ts';
import { daysPastDay, esc, num, wallClock } from './format.ts';
import type { HazardPageFragment, HazardRowFragment, HazardStatus } from './generated/graphql.ts';
import { HAZARD_ACTION, HAZARD_KIND, HAZARD_SOURCE, HAZARD_STATUS } from './labels.ts';
import { claims, divisionHref, isCurrent, known, loading, main, navigate, renderCrumbs, setLastPlace, showWho, type Crumb } from './page.ts';
import { DivisionHazards } from './queries.ts';
import { MORE_HTML, pagedList, pageSize } from './paging.ts';
import { showError, showRefusal } from './refusals.ts';

export const hazardsHref = (code: string) => `#/hazards/${code}`;

/** How many hazards a part shows at a time, and adds at each 加载更多 (the address's ?pageSize= may say otherwise). */
const PAGE = 20;

interface Part {
  key: string;
  title: string;
  empty: string;
  status: HazardStatus | null;
  overdue: boolean;
}

/** The open hazards in three parts that do not overlap: overdue (of either open status), then the rest by status. */
const PARTS: Part[] = [
  { key: 'overdue', title: '超期未整改', empty: '没有超期未整改的隐患。', status: null, overdue: true },
  { key: 'rectifying', title: '整改中', empty: '没有未超期的整改中隐患。', status: 'RECTIFYING', overdue: false },
  { key: 'reported', title: '已上报，尚未开始整改', empty: '没有未超期的待整改隐患。', status: 'REPORTED', overdue: false },
];

/** The levels whose hazards the page lists, by the length of their code. */
const LEVELS: Record<number, { level: 'grid' | 'village' | 'township' | 'county'; zh: string }> = {
  15: { level: 'grid', zh: '网格' },
  12: { level: 'village', zh: '村（社区）' },
  9: { level: 'township', zh: '乡镇' },
  6: { level: 'county', zh: '县（市、区）' },
};

/**
 * Whether the page lists a division of this code: a village, township or county (12, 9 or 6 digits), or a grid (15) for
 * its own grid worker: another caller reads a grid's hazards on its village's list.
 */
export const listsHazardsOf = (code: string): boolean => /^\d+$/.test(code) && code.length in LEVELS && (code.length !== 15 || claims?.jurisdiction === code);

interface Listed {
  code: string;
  name: string;
  /** The divisions above it, the county first. */
  above: Crumb[];
  hazards: HazardPageFragment;
}

/** One part's page of the division `code`'s hazards, whatever its level; null when the hub has no such division. */
async function fetchPart(code: string, part: Part, after: string | null): Promise<Listed | null> {
  const { level } = LEVELS[code.length]!;
  const r = await request(DivisionHazards, {
    code,
    village: level === 'village',
    township: level === 'township',
    county: level === 'county',
    grid: level === 'grid',
    status: part.status,
    overdue: part.overdue,
    first: pageSize(PAGE),
    after,
  });
  const crumb = (d: { code: string; name: string } | null | undefined): Crumb[] => (d ? [{ code: d.code, name: d.name }] : []);
  // A grid's village lies outside its grid worker's jurisdiction: no division above it to lead to.
  if (r.grid) return { ...r.grid, above: [] };
  if (r.village) return { ...r.village, above: [...crumb(r.village.township?.county), ...crumb(r.village.township)] };
  if (r.township) return { ...r.township, above: crumb(r.township.county) };
  if (r.county) return { ...r.county, above: [] };
  return null;
}

export async function showHazards(code: string): Promise<void> {
  const mine = navigate();
  loading();
  // Refused, the view is named by its division as the page has shown it (临潭县隐患整改), its code only when unknown.
  const shown = known.get(divisionHref(code));
  const target = { href: hazardsHref(code), fallback: shown ? `${shown}隐患整改` : `区划 ${code} 的隐患` };
  let pages;
  try {
    pages = await Promise.all(PARTS.map((p) => fetchPart(code, p, null)));
  } catch (e) {
    if (isCurrent(mine)) showError(e, target);
    return;
  }
  if (!isCurrent(mine)) return;
  const v = pages[0];
  if (!v) {
    showRefusal(target, '不存在', `没有${LEVELS[code.length]!.zh} ${code}。`);
    return;
  }
  const wide = code.length < 12;
  disposeCharts();
  main.removeAttribute('aria-busy');
  main.dataset.view = 'hazards';
  main.dataset.code = v.code;
  const above = v.above;
  for (const d of [...above, v]) known.set(divisionHref(d.code), d.name);
  const name = `${v.name}隐患整改`;
  known.set(target.href, name);
  setLastPlace({ href: target.href, name });
  showWho();
  renderCrumbs([...above, { code: v.code, name: v.name }], '隐患整改');
  // The tab names whose hazards these are, as a refusal of them does: every division's list is 隐患整改.
  document.title = `${name} · 分析研判室`;
  main.innerHTML = `
    <h2 class="title">${esc(v.name)} 隐患整改 <small>${wide ? '下辖各村（社区）' : ''}未整改的隐患，超期的在前，整改期限早的在前 · 当前全部，不限统计期</small></h2>
    ${PARTS.map(
      (p) => `<section class="panel hazards" id="hazards-${p.key}" data-part="${p.key}" aria-labelledby="hazards-${p.key}-title">
        <h3 id="hazards-${p.key}-title">${esc(p.title)}</h3>
        <div class="hazard-list"></div>
        ${MORE_HTML}
      </section>`,
    ).join('')}
    <p><a href="${divisionHref(v.code)}">返回 ${esc(v.name)}</a></p>`;
  PARTS.forEach((p, i) => showPart(v.code, p, pages[i]!.hazards, mine, wide));
}

type Page = HazardPageFragment;

/** One part's first page, and its 加载更多 that adds the next. */
function showPart(code: string, part: Part, first: Page, mine: number, wide: boolean): void {
  const section = document.getElementById(`hazards-${part.key}`)!;
  const list = section.querySelector<HTMLElement>('.hazard-list')!;
  const total = first.totalCount;
  section.dataset.total = String(total);
  document.getElementById(`hazards-${part.key}-title`)!.textContent = `${part.title}（${num(total)}）`;
  if (!total) {
    list.innerHTML = `<p>${esc(part.empty)}</p>`;
    return;
  }
  list.innerHTML = `<div class="table-wrap"><table class="hazards text">
    <caption class="visually-hidden">${esc(part.title)}的隐患</caption>
    <thead><tr><th scope="col">上报时间</th><th scope="col">类别</th><th scope="col">描述</th>${wide ? '<th scope="col">村（社区）</th>' : ''}<th scope="col">网格</th><th scope="col">来源</th><th scope="col">状态</th><th scope="col">整改期限</th><th scope="col">超期天数</th><th scope="col">整改记录</th></tr></thead>
    <tbody></tbody></table></div>`;
  const body = list.querySelector('tbody')!;
  pagedList({
    within: section,
    first,
    next: async (after) => (await fetchPart(code, part, after))?.hazards ?? null,
    append: (nodes) => body.insertAdjacentHTML('beforeend', nodes.map((h) => row(h, wide)).join('')),
    mine,
    unit: '条',
  });
}

/** A hazard's row; `wide` (a township's or county's list) names its village too. */
function row(h: HazardRowFragment, wide: boolean): string {
  const days = h.overdue && h.rectifyBy ? daysPastDay(h.rectifyBy) : undefined;
  const steps = h.steps.length
    ? `<details><summary>整改记录（${h.steps.length}）</summary><ol class="timeline">${h.steps
        .map(
          (s) =>
            `<li><time datetime="${esc(s.at)}">${esc(wallClock(s.at))}</time> <strong>${esc(HAZARD_ACTION[s.action])}</strong> ${esc(s.actor)}${
              s.note ? `：${esc(s.note)}` : ''
            }${s.rectifyBy ? `（整改期限 ${esc(s.rectifyBy)}）` : ''}</li>`,
        )
        .join('')}</ol></details>`
    : '尚无整改记录';
  return `<tr data-id="${esc(h.id)}"><td>${esc(wallClock(h.reportedAt))}</td><td>${esc(HAZARD_KIND[h.kind])}</td><th scope="row">${esc(h.description)}${
    h.location ? `<br><span class="note">${esc(h.location)}</span>` : ''
  }</th>${wide ? `<td class="village">${esc(h.grid.village.name)}</td>` : ''}<td>${esc(h.grid.name)}</td><td>${esc(HAZARD_SOURCE[h.source])}${h.reportedBy ? `（${esc(h.reportedBy)}）` : ''}</td><td>${esc(
    HAZARD_STATUS[h.status],
  )}</td><td>${h.rectifyBy ? esc(h.rectifyBy) : '未设'}</td><td class="days" data-days="${days ?? ''}">${days ? `超期 ${days} 天` : ''}</td><td>${steps}</td></tr>`;
}
