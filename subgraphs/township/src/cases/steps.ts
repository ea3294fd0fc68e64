import { delivered } from '../../../../platform/events.ts';
import { caseRefusal, dispatchDeadlines, labelOf, takeStep, type CaseAction } from '../../../../domain/case-engine.ts';
import { assignNote, DISPUTE_OUTCOME_ZH, scopeNamed } from '../../../../domain/labels.ts';
import { DEPARTMENT_NAMES, departmentName } from '../../../../domain/departments.ts';
import { badInput, forbidden, hubError, notFound, quote } from '../../../../domain/errors.ts';
import { inJurisdiction, requireCentreDesk, requireDepartment, requireWrite, requireWriteScope } from '../../../../platform/caller.ts';
import { parseId } from '../../../../platform/scalars.ts';
import type { Db } from '../../../../platform/sql.ts';
import { disputeId, optStepNote, stepNote, text } from '../../../../platform/validate.ts';
import type { TownshipContext } from '../context.ts';
import { divisionName } from '../../../../domain/divisions.ts';
import type {
  MutationAcceptTownshipCaseArgs,
  MutationAcknowledgeDispatchArgs,
  MutationAssignTownshipCaseArgs,
  MutationDispatchToDepartmentsArgs,
  MutationEscalateTownshipCaseArgs,
  MutationRecordTownshipMediationArgs,
  MutationReportDispatchArgs,
  MutationResolveTownshipCaseArgs,
  MutationReturnTownshipCaseArgs,
  MutationWithdrawDispatchArgs,
} from '../generated/resolvers.ts';
import { dispatches, OPEN_DISPATCH, type DispatchRow } from '../store/dispatch.ts';
import { townshipCases, type TownshipCaseRow } from '../store/township-case.ts';
import { townshipStorage, type TownshipStep } from './storage.ts';
import { writeTransaction } from '../../../../platform/write-transaction.ts';

/**
 * The township's steps of the case loop: what each takes from its arguments
 * and what it sets besides the status. The engine (domain/case-engine.ts
 * `takeStep`) checks, orders, times and records every one the same way.
 */

const actorOf = (ctx: TownshipContext) => ctx.caller.name || ctx.caller.subject;

/** A dispatch's status as a Chinese message names it. */
const DISPATCH_STATUS_ZH: Record<string, string> = { DISPATCHED: '已吹哨', ACKNOWLEDGED: '已报到', REPORTED: '已反馈', WITHDRAWN: '已撤回' };

/** The case, locked, for a step of the township's 综治中心: a caller without `write` is refused whatever the id names. */
async function caseForCentre(em: Db, ctx: TownshipContext, id: string, argument = 'disputeId'): Promise<TownshipCaseRow> {
  requireWriteScope(ctx.caller);
  const c = await townshipCases.lock(em, disputeId(id, argument));
  if (!c || !inJurisdiction(ctx.caller, c.villageCode)) {
    throw notFound({ zh: `没有矛盾纠纷 ${id} 的乡镇级案件。`, en: `No township case for dispute ${id}.` }, { argument });
  }
  requireCentreDesk(ctx.caller, c.townshipCode, argument);
  return c;
}

/** Runs one step in one transaction; the case as the step left it. */
async function run(ctx: TownshipContext, version: number | null, step: (em: Db) => TownshipStep): Promise<TownshipCaseRow> {
  const { record } = await writeTransaction(ctx.em, async (em) => {
    const s = step(em);
    return takeStep(townshipStorage(em, s), s.action, version);
  });
  await delivered(ctx.relay);
  return record;
}

/** A step of the 综治中心 on a case, on the version the client read. */
function centreStep(ctx: TownshipContext, id: string, version: number, action: CaseAction, note: string | null, extras?: TownshipStep['extras']) {
  return run(ctx, version, (em) => ({ action, lock: () => caseForCentre(em, ctx, id), actor: actorOf(ctx), note, extras }));
}

export const acceptTownshipCase = (ctx: TownshipContext, a: MutationAcceptTownshipCaseArgs) =>
  centreStep(ctx, a.disputeId, a.version, 'ACCEPT', optStepNote(a.note, 'note'));

export function assignTownshipCase(ctx: TownshipContext, a: MutationAssignTownshipCaseArgs) {
  const assignee = text(a.assignee, 'assignee', 100);
  return centreStep(ctx, a.disputeId, a.version, 'ASSIGN', assignNote(assignee, optStepNote(a.note, 'note')), () => ({ assignee }));
}

export const recordTownshipMediation = (ctx: TownshipContext, a: MutationRecordTownshipMediationArgs) =>
  centreStep(ctx, a.disputeId, a.version, 'MEDIATE', stepNote(a.note, 'note'));

/** 吹哨: one dispatch per department, each with the 报到 and 反馈 deadlines of the case's rule, counted from now. */
export function dispatchToDepartments(ctx: TownshipContext, a: MutationDispatchToDepartmentsArgs) {
  const kinds = [...new Set(a.departments.map((k) => k.trim().toUpperCase()))];
  if (!kinds.length) throw badInput({ zh: '请至少指定一个部门。', en: 'Name at least one department.' }, { argument: 'departments' });
  const unknown = kinds.filter((k) => !DEPARTMENT_NAMES.has(k));
  if (unknown.length) {
    const known = [...DEPARTMENT_NAMES.keys()].join(', ');
    // A clerk knows the departments by their names; the code is what the field takes.
    const knownZh = [...DEPARTMENT_NAMES].map(([kind, name]) => `${name}（${kind}）`).join('、');
    // Quoted as typed, cut (a list of 5,000 characters came back whole), at most five of them.
    const named = unknown.slice(0, 5).map(quote);
    const more = unknown.length > 5 ? { zh: ` 等 ${unknown.length} 个`, en: ` and ${unknown.length - 5} more` } : { zh: '', en: '' };
    throw badInput(
      { zh: `未知的部门：${named.join('、')}${more.zh}；可用的部门有：${knownZh}。`, en: `Unknown departments ${named.join(', ')}${more.en}; use ${known}.` },
      { argument: 'departments' },
    );
  }
  const note = optStepNote(a.note, 'note');
  return run(ctx, a.version, (em) => {
    const named = (c: TownshipCaseRow) => kinds.map((kind) => ({ kind, name: departmentName(divisionName(c.countyCode), kind) }));
    const step: TownshipStep = {
      action: 'DISPATCH',
      actor: actorOf(ctx),
      note: null,
      departments: kinds,
      lock: async () => {
        const c = await caseForCentre(em, ctx, a.disputeId);
        // The timeline shows the step's action (吹哨) beside its note: the note names the departments, not the action again.
        step.note = `${named(c)
          .map((d) => d.name)
          .join('、')}${note ? ` — ${note}` : ''}`;
        return c;
      },
      extras: async (c, at, rule) => {
        // A department is called on once at a time (its dispatch carries the case until it reports back); naming one
        // still to report would write a 吹哨 step that calls no one. Once it has reported, or the township has
        // withdrawn the dispatch, it may be called again.
        const called = (await dispatches.open(em, c.disputeId)).filter((d) => kinds.includes(d.departmentKind));
        if (called.length) {
          const listed = called.map((d) => d.departmentName).join('、');
          throw hubError(
            'CONFLICT',
            {
              zh: `本案已向${listed}吹哨，尚未反馈；部门反馈或吹哨撤回之前不再重复吹哨，请只列出其他部门。`,
              en: `This case has already called on ${called.map((d) => `${d.departmentName} (${d.status})`).join(', ')}, which has not reported back; a department is called on again only after it reports or its dispatch is withdrawn, so name the others.`,
            },
            { argument: 'departments', departments: called.map((d) => d.departmentKind) },
          );
        }
        await dispatches.insert(em, {
          disputeId: c.disputeId,
          townshipCode: c.townshipCode,
          villageCode: c.villageCode,
          departments: named(c),
          note,
          dispatchedAt: at,
          ...dispatchDeadlines(rule, at, new Date(c.settleBy)),
        });
        return {};
      },
    };
    return step;
  });
}

/**
 * 吹哨报到 closes its own loop: every department called on reports back, or
 * the township withdraws the dispatch (撤回), before the case leaves the
 * township, resolved or escalated. An escalated case's dispatch would wait on
 * a desk that no longer handles the case, and count as overdue for good.
 */
async function requireDepartmentsReported(em: Db, c: TownshipCaseRow, action: 'RESOLVE' | 'ESCALATE' | 'RETURN'): Promise<void> {
  const pending = await dispatches.open(em, c.disputeId);
  if (!pending.length) return;
  const verb = {
    RESOLVE: { zh: '化解', en: 'resolved' },
    ESCALATE: { zh: '上报', en: 'escalated' },
    RETURN: { zh: '退回村级', en: 'returned to the village' },
  }[action];
  throw caseRefusal(
    'TOWNSHIP',
    c.status,
    action,
    {
      zh: `以下部门尚未反馈：${pending.map((p) => p.departmentName).join('、')}；待其反馈，或撤回对其的吹哨后，本案才能${verb.zh}。`,
      en: `Departments have not reported back yet: ${pending.map((p) => p.departmentName).join(', ')}; the case can be ${verb.en} once they have, or once their dispatches are withdrawn.`,
    },
    { pending: pending.map((p) => p.departmentKind), dispatches: pending.map((p) => String(p.id)) },
    ['RESOLVE', 'ESCALATE', 'RETURN'],
  );
}

/**
 * 撤回吹哨: the 综治中心 takes back a dispatch its department has not reported
 * on, on the case's version. The dispatch is locked before the case, as a
 * department's 报到 and 反馈 lock them.
 */
export function withdrawDispatch(ctx: TownshipContext, a: MutationWithdrawDispatchArgs) {
  // The dispatch is read before the case: a caller without `write` is refused first, whatever the id names.
  requireWriteScope(ctx.caller);
  const id = parseId(a.dispatchId, 'dispatchId');
  const reason = stepNote(a.reason, 'reason');
  return run(ctx, a.version, (em) => {
    const step: TownshipStep = {
      action: 'WITHDRAW_DISPATCH',
      actor: actorOf(ctx),
      note: null,
      // The dispatch and the reason tell the withdrawal sent again (one department's name may stand for several dispatches).
      sent: [String(id), reason],
      lock: async () => {
        const d = await dispatches.lock(em, id);
        if (!d || !inJurisdiction(ctx.caller, d.villageCode))
          throw notFound({ zh: `没有编号为 ${a.dispatchId} 的吹哨任务。`, en: `No dispatch with id ${a.dispatchId}.` }, { argument: 'dispatchId' });
        const c = await caseForCentre(em, ctx, d.disputeId, 'dispatchId');
        // The village record learns whom the case was taken back from: a department sent it by mistake reads it no more.
        step.departments = [d.departmentKind];
        // The department by its name, as the 吹哨 named it; the action (撤回吹哨) is shown beside the note already.
        step.note = `${d.departmentName} — ${reason}`;
        // After the engine's checks: a stale copy hears it is stale before it hears what became of the dispatch.
        step.extras = async (_, at) => {
          if (!OPEN_DISPATCH.includes(d.status)) {
            throw hubError(
              'INVALID_TRANSITION',
              {
                zh: `这项吹哨任务${DISPATCH_STATUS_ZH[d.status] ?? d.status}，不能撤回；只有部门尚未反馈的吹哨可以撤回。`,
                en: `A ${d.status} dispatch cannot be withdrawn; only a dispatch its department has not reported on can be.`,
              },
              { status: d.status, allowed: [] },
            );
          }
          await dispatches.withdraw(em, d.id, reason, at);
          return {};
        };
        return c;
      },
    };
    return step;
  });
}

export function resolveTownshipCase(ctx: TownshipContext, a: MutationResolveTownshipCaseArgs) {
  const note = optStepNote(a.note, 'note') ?? DISPUTE_OUTCOME_ZH[a.outcome] ?? a.outcome;
  return run(ctx, a.version, (em) => ({
    action: 'RESOLVE',
    lock: () => caseForCentre(em, ctx, a.disputeId),
    actor: actorOf(ctx),
    note,
    sent: [note, a.outcome],
    extras: async (c, at) => {
      await requireDepartmentsReported(em, c, 'RESOLVE');
      return { outcome: a.outcome, resolvedAt: at };
    },
  }));
}

/** 上报: the county's settle deadline is the case rule's settle time from now (the county receives it with the case). */
export const escalateTownshipCase = (ctx: TownshipContext, a: MutationEscalateTownshipCaseArgs) =>
  run(ctx, a.version, (em) => ({
    action: 'ESCALATE',
    lock: () => caseForCentre(em, ctx, a.disputeId),
    actor: actorOf(ctx),
    note: stepNote(a.reason, 'reason'),
    extras: async (c) => {
      await requireDepartmentsReported(em, c, 'ESCALATE');
      return {};
    },
  }));

/**
 * 退回村级办理: the 综治中心 sends a case the village could settle (小事不出村)
 * back to it, with the reason (1–500 characters). Like 化解 and 上报, only
 * once every department called on has reported back or had its dispatch
 * withdrawn: the village cannot answer for a dispatch of the township's, and
 * one left open would wait on a desk that no longer handles the case. The
 * village's new settle deadline (the case rule's settle time from now) is the
 * village's, not the township record's: it travels with the step.
 */
export const returnTownshipCase = (ctx: TownshipContext, a: MutationReturnTownshipCaseArgs) =>
  run(ctx, a.version, (em) => ({
    action: 'RETURN',
    lock: async () => {
      const c = await caseForCentre(em, ctx, a.disputeId);
      // Whether the village could settle it is the township desk's own judgment (小事不出村): a caller of a level above
      // (county, prefecture, province), who may take the township's routine steps (accept, assign, 吹哨), does not send
      // a case down over the township's head.
      if (ctx.caller.jurisdiction !== c.townshipCode) {
        throw forbidden(
          {
            zh: `退回村级由案件所在乡镇（${c.townshipCode}）的综治中心办理，需要该乡镇具有${scopeNamed('write')}权限的令牌；上级（县、市、省）的令牌可以办理本乡镇案件的其他步骤，但不能退回村级。`,
            en: `Returning a case to its village is the desk's of its township (${c.townshipCode}), with that township's token and the "write" scope; a caller of a level above it (county, prefecture, province) may take the township's other steps, not this one.`,
          },
          { jurisdiction: ctx.caller.jurisdiction },
        );
      }
      return c;
    },
    actor: actorOf(ctx),
    note: stepNote(a.reason, 'reason', 500),
    extras: async (c) => {
      await requireDepartmentsReported(em, c, 'RETURN');
      return {};
    },
  }));

/**
 * 报到 then 反馈: only the department the dispatch names, in the dispatch's
 * county, takes them, itself (a department caller); a department acknowledges
 * before it reports.
 */
async function departmentStep(
  ctx: TownshipContext,
  id: string,
  action: 'DEPARTMENT_ACKNOWLEDGE' | 'DEPARTMENT_REPORT',
  note: string | null,
): Promise<DispatchRow> {
  const out: { dispatch?: DispatchRow | null } = {};
  // The department's own step sent again after its answer was lost (报到 again, or the same 反馈 again): the dispatch is
  // answered as it is, nothing written. Found in the step's lock, it leaves the transaction, which wrote nothing.
  const repeated = Symbol('repeated');
  const answer = run(ctx, null, (em) => {
    const step: TownshipStep = {
      action,
      actor: '',
      note,
      keepVersion: true,
      lock: async () => {
        const d = await dispatches.lock(em, parseId(id, 'dispatchId'));
        // A department reads only the dispatches sent to it (departmentInbox): another department's reads as missing, as
        // an id that names nothing does, not as a refusal naming the department it was sent to. A desk of the township or
        // county, which reads the dispatch, is told whose step it is.
        const unseen = ctx.caller.department !== undefined && d != null && d.departmentKind !== ctx.caller.department;
        if (!d || !inJurisdiction(ctx.caller, d.villageCode) || unseen)
          throw notFound({ zh: `没有编号为 ${id} 的吹哨任务。`, en: `No dispatch with id ${id}.` }, { argument: 'dispatchId' });
        requireDepartment(
          ctx.caller,
          { zh: `吹哨任务的${labelOf(action).split(' ')[0]!}`, en: `${labelOf(action)} on a dispatch` },
          d.departmentKind,
          d.townshipCode.slice(0, 6),
        );
        requireWrite(ctx.caller, d.townshipCode);
        const from = action === 'DEPARTMENT_ACKNOWLEDGE' ? 'DISPATCHED' : 'ACKNOWLEDGED';
        if (d.status === 'WITHDRAWN') {
          throw hubError(
            'INVALID_TRANSITION',
            {
              zh: `这项吹哨任务已由乡镇撤回（${d.withdrawalReason ?? ''}），不需要再${action === 'DEPARTMENT_ACKNOWLEDGE' ? '报到' : '反馈'}。`,
              en: `The township withdrew this dispatch (${d.withdrawalReason ?? ''}); it needs no ${action === 'DEPARTMENT_ACKNOWLEDGE' ? 'acknowledgement' : 'report'}.`,
            },
            { status: d.status, allowed: [] },
          );
        }
        if (action === 'DEPARTMENT_ACKNOWLEDGE' ? d.status === 'ACKNOWLEDGED' : d.status === 'REPORTED' && d.report === (note ?? '')) {
          out.dispatch = d;
          throw repeated;
        }
        if (d.status !== from) {
          const status = DISPATCH_STATUS_ZH[d.status] ?? d.status;
          // What the department may do with the dispatch instead: acknowledge it, then report on it, then nothing.
          const next = d.status === 'DISPATCHED' ? ['DEPARTMENT_ACKNOWLEDGE'] : d.status === 'ACKNOWLEDGED' ? ['DEPARTMENT_REPORT'] : [];
          throw hubError(
            'INVALID_TRANSITION',
            {
              zh:
                action === 'DEPARTMENT_ACKNOWLEDGE'
                  ? d.status === 'REPORTED'
                    ? '这项吹哨任务已反馈，不能再报到。'
                    : `这项吹哨任务${status}，不能再次报到；下一步是反馈。`
                  : d.status === 'REPORTED'
                    ? '这项吹哨任务已反馈，不能再次反馈。'
                    : '这项吹哨任务尚未报到，不能反馈；请先报到。',
              en:
                action === 'DEPARTMENT_ACKNOWLEDGE'
                  ? `A ${d.status} dispatch cannot be acknowledged again.`
                  : d.status === 'REPORTED'
                    ? 'This dispatch has already been reported on; it cannot be reported on again.'
                    : `A ${d.status} dispatch cannot be reported on; the department must acknowledge (报到) first.`,
            },
            { status: d.status, allowed: next },
          );
        }
        const c = await townshipCases.lock(em, d.disputeId);
        if (!c) throw notFound({ zh: `没有吹哨任务 ${id} 对应的乡镇级案件。`, en: `No township case for dispatch ${id}.` }, { argument: 'dispatchId' });
        const who = actorOf(ctx);
        // The department, and who in it took the step when the token names someone else.
        step.actor = `${d.departmentName}${who && who !== d.departmentName ? `（${who}）` : ''}`;
        // The village record keeps whose step it is by the department's kind: a department reads only its own 报到 and 反馈.
        step.departments = [d.departmentKind];
        step.extras = async (_, at) => {
          out.dispatch = action === 'DEPARTMENT_ACKNOWLEDGE' ? await dispatches.acknowledge(em, d.id, at) : await dispatches.report(em, d.id, note ?? '', at);
          return {};
        };
        return c;
      },
    };
    return step;
  });
  await answer.catch((e: unknown) => {
    if (e !== repeated) throw e;
  });
  if (!out.dispatch) throw new Error(`Dispatch ${id} vanished during a step.`);
  return out.dispatch;
}

export const acknowledgeDispatch = (ctx: TownshipContext, a: MutationAcknowledgeDispatchArgs) =>
  departmentStep(ctx, a.dispatchId, 'DEPARTMENT_ACKNOWLEDGE', optStepNote(a.note, 'note'));

export const reportDispatch = (ctx: TownshipContext, a: MutationReportDispatchArgs) =>
  departmentStep(ctx, a.dispatchId, 'DEPARTMENT_REPORT', stepNote(a.report, 'report', 4000));
