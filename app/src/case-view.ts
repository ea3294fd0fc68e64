/// <reference lib="dom" />
/** One case's view: its facts, its deadlines, the departments called (吹哨报到) and its timeline. */
import { VILLAGE_CLOSED } from '../../domain/case-statuses.ts';
import { disposeCharts } from './charts.ts';
import { request } from './client.ts';
import { esc, wallClock } from './format.ts';
import type { CaseTimelineQuery } from './generated/graphql.ts';
import {
  CATEGORY,
  CORRECTED,
  DECLINE_REASON,
  DISPATCH_STATUS,
  LEVEL,
  noteZh,
  OUTCOME,
  PARTY_ROLE,
  RATING,
  SCALE,
  SOURCE,
  statusHere,
  stepName,
} from './labels.ts';
import {
  caseHref,
  caseName,
  claims,
  divisionHref,
  inJurisdiction,
  isCurrent,
  known,
  loading,
  main,
  navigate,
  openedFrom,
  renderCrumbs,
  setLastPlace,
  showWho,
} from './page.ts';
import { INBOX_HREF } from './inbox-view.ts';
import { CaseOfNumber, CaseTimeline } from './queries.ts';
import { showError, showRefusal } from './refusals.ts';

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

/** 案件编号: the county's code, the year and the county's sequence (623021-2026-000123). */
const CASE_NUMBER = /^(\d{6})-\d{4}-\d{6}$/;
const CASE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The id of the case of a number, as the caller's own division lists it (a county department's caller: as its
 * department's dispatches carry it); undefined when the caller sees no such case.
 * A number's county is its first six digits: a caller of a township, village or grid of another county sees none of
 * its cases, and one above the county finds it in the county's list.
 */
async function caseOfNumber(number: string): Promise<string | undefined> {
  const county = CASE_NUMBER.exec(number)![1]!;
  const j = claims?.jurisdiction ?? '';
  // A county department lists no division's cases: it finds the case among the dispatches its department was sent.
  if (claims?.department) {
    if (j !== county) return undefined;
    const r = await request(CaseOfNumber, { number, code: county, department: true });
    return r.departmentInbox?.nodes[0]?.townshipCase.dispute.id;
  }
  const own = j.length > 6;
  if (own ? !j.startsWith(county) : j !== '*' && !county.startsWith(j)) return undefined;
  const level = !own ? 'county' : j.length === 9 ? 'township' : j.length === 12 ? 'village' : 'grid';
  const r = await request(CaseOfNumber, { number, code: own ? j : county, [level]: true });
  const list = r.county?.disputes ?? r.township?.villageDisputes ?? r.village?.disputes ?? r.grid?.disputes;
  return list?.nodes[0]?.id;
}

export async function showCase(id: string): Promise<void> {
  const mine = navigate();
  loading();
  const number = CASE_NUMBER.test(id);
  // The hub answers a case outside the jurisdiction as a missing one: the page cannot tell the two apart either.
  const target = { href: caseHref(id), fallback: number ? caseName(id) : '所请求的案件' };
  // A case is opened by its id (a UUID), as the case lists link it, or by its case number (案件编号), as clerks know
  // it: the number is looked up and the address replaced by the id's. Other text names no case.
  if (number) {
    let found: string | undefined;
    try {
      found = await caseOfNumber(id);
    } catch (e) {
      if (isCurrent(mine)) showError(e, target);
      return;
    }
    if (!isCurrent(mine)) return;
    if (found) location.replace(caseHref(found));
    else showRefusal(target, '不存在或无权查看', `没有案件编号为“${id}”的案件，或您无权查看。`);
    return;
  }
  if (!CASE_ID.test(id)) {
    showRefusal(target, '不存在', `“${id}”不是纠纷编号或案件编号，请从区划页的案件列表打开案件。`);
    return;
  }
  let c;
  try {
    c = (await request(CaseTimeline, { id })).dispute;
  } catch (e) {
    if (isCurrent(mine)) showError(e, target);
    return;
  }
  if (!isCurrent(mine)) return;
  if (!c) {
    showRefusal(target, '不存在或无权查看', '没有这个案件，或您无权查看。');
    return;
  }
  disposeCharts();
  main.removeAttribute('aria-busy');
  main.dataset.view = 'case';
  delete main.dataset.code;
  known.set(target.href, caseName(c.caseNumber));
  setLastPlace({ href: target.href, name: caseName(c.caseNumber) });
  const above = [c.village.township?.county, c.village.township].filter((d): d is { code: string; name: string } => !!d);
  for (const d of [...above, c.village]) known.set(divisionHref(d.code), d.name);
  showWho();
  renderCrumbs([...above, c.village], c.caseNumber);
  main.innerHTML = `
    <h2 class="title">案件 ${esc(c.caseNumber)} <small>${esc(CATEGORY[c.category])} · ${esc(statusHere(c))} · ${esc(levelHere(c))}</small></h2>
    <section class="panel" aria-labelledby="case-title">
      <h3 id="case-title">简要情况</h3>
      <p>${esc(c.summary)}</p>
      <p>${c.overdue ? '<span class="badge unmet">超期</span>' : ''}${c.underSupervision ? '<span class="badge warn">督办</span>' : ''}${
        c.rehandled ? `<span class="badge warn">重新办理 ${c.rehandled} 次</span>` : ''
      } 登记于 ${esc(wallClock(c.reportedAt))}</p>
      <dl class="case-facts">
        <dt>当事人</dt><dd>${c.parties.map((p) => `${esc(PARTY_ROLE[p.role])}：${esc(p.name)}`).join('；') || '—'}</dd>
        <dt>规模</dt><dd>${esc(SCALE[c.scale])}</dd>
        <dt>来源</dt><dd>${esc(SOURCE[c.source] ?? c.source)}</dd>
        <dt>发生时间</dt><dd>${c.occurredAt ? esc(wallClock(c.occurredAt)) : '未填'}</dd>
        ${c.status === 'DECLINED' ? declinedFacts(c) : handlingFacts(c)}
        ${supervisionFacts(c)}
      </dl>
    </section>
    ${dispatchesPanel(c.townshipCase?.dispatches ?? [])}
    <section class="panel" aria-labelledby="timeline-title">
      <h3 id="timeline-title">时间线</h3>
      <ol class="timeline">${c.timeline
        .map(
          (s) =>
            `<li><time datetime="${esc(s.at)}">${esc(wallClock(s.at))}</time> <strong>${esc(LEVEL[s.level])} · ${esc(
              stepName(s.level, s.action),
            )}</strong> ${esc(s.actor)}${stepSaid(s)}${correctionList(s.changes)}</li>`,
        )
        .join('')}</ol>
      <p>${wayBack(c.village)}</p>
    </section>`;
}

/**
 * The way back under a case: the division page it was opened from (a township desk's 在办 list, a county's
 * 超期与督办), as the reader left it (page.ts openedFrom); else its village's page, or for a grid's own token (a
 * 网格员's), whose jurisdiction the village lies outside, the grid's page (main.ts `home`) rather than a page the hub
 * refuses it. A county department reads a case as one of its dispatches: back to its inbox (部门待办), the
 * village's page listing no case for it.
 */
function wayBack(village: { code: string; name: string }): string {
  if (claims?.department) return `<a href="${INBOX_HREF}">返回 部门待办</a>`;
  const from = openedFrom();
  const fromName = from && known.get(divisionHref(from.code));
  if (from && fromName) return `<a href="${esc(from.href)}">返回 ${esc(fromName)}</a>`;
  if (inJurisdiction(village.code)) return `<a href="${divisionHref(village.code)}">返回 ${esc(village.name)}</a>`;
  const own = claims?.jurisdiction ?? '';
  return `<a href="${divisionHref(own)}">返回 ${esc(known.get(divisionHref(own)) ?? (own.length === 15 ? '本网格' : '本辖区'))}</a>`;
}

type Case = NonNullable<CaseTimelineQuery['dispute']>;

/**
 * What a step says after its actor: its note, and for a 群众评价 (RATE, or the 重新办理 a 不满意 caused) the rating
 * itself, which a note of the clerk's own words does not name (the note is the rating's words only when none was given).
 */
function stepSaid(s: Pick<Case['timeline'][number], 'note' | 'rating'>): string {
  const note = s.note ? noteZh(s.note) : '';
  const rating = s.rating ? (RATING[s.rating] ?? s.rating) : '';
  const said = rating && note !== rating ? (note ? `${rating}；${note}` : rating) : note;
  return said ? `：${esc(said)}` : '';
}

/**
 * The title's level: the level that resolved a resolved case (县级化解), else the one holding it (乡镇级办理). A case
 * rated, closed or visited is the village's to finish (`handlingLevel` VILLAGE) whichever level settled it, and a
 * leader reading 村级办理 on a case the county settled would take it for one the village settled; a reopening clears
 * `resolvedLevel`, so a case rated 不满意 reads where it is handled again.
 */
function levelHere(c: Pick<Case, 'handlingLevel' | 'resolvedLevel'>): string {
  return c.resolvedLevel ? `${LEVEL[c.resolvedLevel]}级化解` : `${LEVEL[c.handlingLevel]}级办理`;
}

/** 承办, 化解, 群众评价 and the 131 deadlines of a case taken in. */
function handlingFacts(c: Case): string {
  return `<dt>承办</dt><dd>${c.assignee ? esc(c.assignee) : c.outcome || FINISHED.has(c.status) ? '未指定承办人' : `${esc(LEVEL[c.handlingLevel])}级尚未分派`}</dd>
        <dt>化解</dt><dd>${
          c.outcome
            ? `${esc(OUTCOME[c.outcome] ?? c.outcome)}${c.resolvedLevel ? `（${esc(LEVEL[c.resolvedLevel])}级` : '（'}${c.resolvedAt ? `，${esc(wallClock(c.resolvedAt))}` : ''}）${late(c.resolvedAt, c.deadlines.settleBy)}`
            : '尚未化解'
        }</dd>
        <dt>群众评价</dt><dd>${ratingText(c)}</dd>
        <dt>办理时限</dt><dd>联系当事人 ${esc(wallClock(c.deadlines.contactBy))}${late(contactedAt(c), c.deadlines.contactBy)} · 化解 ${esc(wallClock(c.deadlines.settleBy))}${
          c.deadlines.replyBy ? ` · 答复 ${esc(wallClock(c.deadlines.replyBy))}` : ''
        }</dd>`;
}

/**
 * 督办: the county's order on the case, and the holding level's reply or the time it has to give one. An order from
 * before orders had a reply deadline has none, and is never late.
 */
function supervisionFacts(c: Case): string {
  const s = c.supervision;
  if (!s) return '';
  const order = `${wallClock(s.issuedAt)}${s.issuedBy ? ` ${s.issuedBy}` : ''}${s.note ? `：${noteZh(s.note)}` : ''}`;
  const late = s.replyOverdue ? '<span class="badge unmet">回复超期</span>' : '';
  const reply = s.reply
    ? `${s.repliedLevel ? `${LEVEL[s.repliedLevel]}级` : ''}${s.repliedBy ? ` ${s.repliedBy}` : ''}于 ${wallClock(s.repliedAt!)} 回复：${s.reply}`
    : `尚未回复${s.replyBy ? `（回复时限 ${wallClock(s.replyBy)}）` : ''}`;
  return `<dt>督办</dt><dd>${esc(order)}</dd>
        <dt>督办回复</dt><dd>${esc(reply)}${late}</dd>`;
}

/**
 * 不予受理: a report declined at intake ends there. It is handled by no one, settled and rated never, and keeps the
 * deadlines it had with none of them running; what it has instead is why, when and by whom, as its decline step says.
 */
function declinedFacts(c: Case): string {
  const step = c.timeline.findLast((s) => s.action === 'DECLINE');
  const reason = c.declineReason ? DECLINE_REASON[c.declineReason] : '';
  const said = step?.note?.startsWith('不予受理：')
    ? step.note.slice('不予受理：'.length)
    : `${reason || '未说明原因'}${c.duplicateOf ? `（与案件 ${c.duplicateOf} 重复）` : ''}${step?.note ? `。${noteZh(step.note)}` : ''}`;
  const by = step ? `（${wallClock(step.at)}，${LEVEL[step.level]}级${step.actor ? ` ${step.actor}` : ''}）` : '';
  return `<dt>不予受理</dt><dd>${esc(said)}${esc(by)}</dd>
        <dt>办理时限</dt><dd>不予受理，不再计时</dd>`;
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

/**
 * When the village contacted the parties: its 受理 (ACCEPT), the step the contact deadline asks for. The deadline is
 * the village's (a case received above has its own there), so its first acceptance at the village answers it.
 */
const contactedAt = (c: Case): string | undefined => c.timeline.find((s) => s.level === 'VILLAGE' && s.action === 'ACCEPT')?.at;

/** Statuses past handling: a case in one with no handler named was settled without one being recorded, not waiting for one. */
const FINISHED: ReadonlySet<string> = new Set(VILLAGE_CLOSED);

/** Done after its deadline: 逾期 beside when it was done (超期 is what is still open past it). */
const late = (at: string | null | undefined, by: string): string => (at && new Date(at) > new Date(by) ? '<span class="badge unmet">逾期</span>' : '');

type Dispatch = NonNullable<NonNullable<CaseTimelineQuery['dispute']>['townshipCase']>['dispatches'][number];

/**
 * 吹哨报到: each department the township called, with its deadlines and what
 * it reported. 逾期 marks a 报到 or 反馈 the API counts late (`acknowledgedLate`,
 * `answeredLate`: given after the deadline, or not given by it), so the case
 * shows each late one the division's 吹哨报到 figures count. A dispatch the
 * township withdrew (撤回) waits on no deadline: it shows when and why instead,
 * and 未报到 or 未反馈 逾期 when the deadline had passed before it was withdrawn.
 */
function dispatchesPanel(list: readonly Dispatch[]): string {
  if (!list.length) return '';
  const mark = (isLate: boolean | null | undefined) => (isLate ? '<span class="badge unmet">逾期</span>' : '');
  const when = (d: Dispatch, at: string | null | undefined, by: string, isLate: boolean | null | undefined, none: string) =>
    at ? `${esc(wallClock(at))}${mark(isLate)}` : d.withdrawnAt ? (isLate ? `${none}${mark(isLate)}` : '—') : `时限 ${esc(wallClock(by))}${mark(isLate)}`;
  const said = (d: Dispatch) => (d.withdrawnAt ? `${esc(wallClock(d.withdrawnAt))} 撤回：${esc(d.withdrawalReason ?? '')}` : d.report ? esc(d.report) : '—');
  return `<section class="panel" aria-labelledby="dispatch-title">
      <h3 id="dispatch-title">吹哨报到</h3>
      <div class="table-wrap"><table class="dispatches text"><thead><tr><th scope="col">部门</th><th scope="col">状态</th><th scope="col">吹哨</th><th scope="col">报到</th><th scope="col">反馈</th><th scope="col">反馈意见</th></tr></thead><tbody>${list
        .map(
          (d) =>
            `<tr><th scope="row">${esc(d.departmentName)}</th><td>${esc(DISPATCH_STATUS[d.status])}${
              d.overdue ? '<span class="badge unmet">超期</span>' : ''
            }</td><td>${esc(wallClock(d.dispatchedAt))}</td><td>${when(d, d.acknowledgedAt, d.acknowledgeBy, d.acknowledgedLate, '未报到')}</td><td>${when(
              d,
              d.reportedAt,
              d.reportBy,
              d.answeredLate,
              '未反馈',
            )}</td><td>${said(d)}</td></tr>`,
        )
        .join('')}</tbody></table></div>
    </section>`;
}
