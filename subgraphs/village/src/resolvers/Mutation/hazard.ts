import { badInput, hubError } from '../../../../../domain/errors.ts';
import { chinaDay } from '../../../../../domain/china-day.ts';
import { formatDate } from '../../../../../platform/scalars.ts';
import { optStepNote, optText, stepNote, text } from '../../../../../platform/validate.ts';
import type { VillageContext } from '../../context.ts';
import type { MutationResolvers } from '../../generated/resolvers.ts';
import { HAZARD_DEADLINE_MAX_DAYS, HAZARD_NEXT, HAZARD_STEPS, type HazardAction } from '../../../../../domain/hazards.ts';
import { schemaEnum } from '../../enums.ts';
import { hazards, type HazardRow } from '../../store/hazard.ts';
import { hazardSteps } from '../../store/hazard-step.ts';
import { patrols } from '../../store/patrol.ts';
import { checkVersion, forWrite, gridFor, keyedCreate, tx, versioned, type Ends } from './write.ts';

/** A hazard's status as a Chinese message names it: the schema's name for it (已上报, 整改中, …). */
const HAZARD_ZH = schemaEnum('HazardStatus').names;

/**
 * A hazard a voided patrol reported left the hazards with it (作废): a step asked of it is told when, by whom and why
 * it was voided, and with which patrol (alreadyEnded), not that there is no such hazard.
 */
const VOIDED: Ends = {
  what: { zh: '隐患', en: 'hazard' },
  endedOf: async (em, id) => {
    const h = await patrols.voidedHazardOf(em, id);
    return (
      h && {
        ...h,
        endedWith: { zh: `巡逻记录 ${h.patrolId} 作废`, en: `the voiding of patrol ${h.patrolId}`, extensions: { patrolId: String(h.patrolId) } },
      }
    );
  },
};

/** The longest note of a step (整改情况, 验收意见) and of a failed check's reason, as a patrol's void reason. */
const NOTE_MAX = 500;

/** What a step records besides its move. */
interface StepGiven {
  note: string | null;
  /** 整改期限: a start's, or a send-back's new one. */
  rectifyBy?: string | null;
}

/** The refusal of a step the hazard's status does not allow, saying why and what may be done instead. */
function refusal(h: HazardRow, action: HazardAction) {
  const { to, zh: stepZh, mutation } = HAZARD_STEPS[action];
  const allowed = HAZARD_NEXT[h.status];
  // The move is one the status allows, by another step (a rectified hazard goes back to rectifying by a send-back only).
  const other = allowed.includes(to) ? Object.values(HAZARD_STEPS).find((s) => s.to === to && s.from.includes(h.status)) : undefined;
  const message = other
    ? {
        zh: `${HAZARD_ZH.get(h.status)}的隐患不能${stepZh}；改为${HAZARD_ZH.get(to)}须${other.zh}（${other.mutation}）。`,
        en: `A ${h.status} hazard cannot be given ${mutation}; it becomes ${to} by ${other.mutation} only.`,
      }
    : {
        zh: `${HAZARD_ZH.get(h.status)}的隐患不能改为${HAZARD_ZH.get(to)}；${allowed.length ? `可改为：${allowed.map((s) => HAZARD_ZH.get(s)).join('、')}` : '该隐患已闭环，不能再变更'}。`,
        en: `A ${h.status} hazard cannot become ${to}; allowed: ${allowed.length ? allowed.join(', ') : 'none (it is closed)'}.`,
      };
  return hubError('INVALID_TRANSITION', message, { from: h.status, to, allowed, action });
}

/**
 * 整改期限: a day from today to HAZARD_DEADLINE_MAX_DAYS ahead, China time. A deadline already past would make the
 * hazard overdue the moment it was set; one years ahead is a slip of the year, and no rectification a village
 * follows up.
 */
function deadline(day: string | null | undefined, now = Date.now()): string | null {
  if (day == null) return null;
  const today = chinaDay(now);
  const latest = chinaDay(now + HAZARD_DEADLINE_MAX_DAYS * 86_400_000);
  if (day < today) {
    throw badInput(
      { zh: `rectifyBy ${day} 已经过去（今天是 ${today}，北京时间）。`, en: `rectifyBy ${day} is in the past (today is ${today}, China time).` },
      { argument: 'rectifyBy', rule: 'deadlinePast' },
    );
  }
  if (day > latest) {
    throw badInput(
      {
        zh: `rectifyBy ${day} 超过一年（最晚 ${latest}）：整改期限须在一年之内。`,
        en: `rectifyBy ${day} is more than a year ahead (at the latest ${latest}).`,
      },
      { argument: 'rectifyBy', rule: 'deadlineTooFar' },
    );
  }
  return day;
}

/**
 * A step of the hazard's rectification: it moves only as HAZARD_STEPS allows, and the step is recorded with who
 * took it and why in the same transaction as the move.
 */
async function takeStep(ctx: VillageContext, id: string, version: number, action: HazardAction, given: StepGiven): Promise<HazardRow> {
  const { to, from } = HAZARD_STEPS[action];
  return tx(ctx, async (em) => {
    const h = await forWrite(em, ctx.caller, hazards, id, 'hazard', { ended: { ends: VOIDED, action: 'change' } });
    // The same step sent again after a lost answer: the hazard already took it, from the version the caller read (no
    // one else changed it between), by the same caller with the same note and deadline, so the retry answers the
    // hazard as it is rather than CONFLICT or a refusal. Another's step to the same status since is someone else's
    // change: CONFLICT, as for any stale read.
    if (h.status === to && h.version === version + 1) {
      const last = await hazardSteps.latest(em, h.id);
      const sameDeadline = (last?.rectifyBy == null ? null : formatDate(last.rectifyBy)) === (given.rectifyBy ?? null);
      if (last?.action === action && last.bySubject === ctx.caller.subject && last.note === given.note && sameDeadline) return h;
      checkVersion(h.version, version);
    }
    // A step the hazard's status allows, asked on a stale read, is CONFLICT: the caller re-reads and may take it then.
    // One the status does not allow is refused as such whatever version was sent, since re-reading would never make
    // it allowed. A version below 1 was never any record's: a wrong argument.
    if (!from.includes(h.status) && version >= 1) throw refusal(h, action);
    checkVersion(h.version, version);
    const now = new Date();
    const stamp =
      action === 'RECTIFY'
        ? { rectifiedAt: now }
        : action === 'VERIFY'
          ? { verifiedAt: now }
          : action === 'SEND_BACK'
            ? { rectifiedAt: null, ...(given.rectifyBy ? { rectifyBy: given.rectifyBy } : {}) }
            : { rectifyBy: given.rectifyBy ?? null };
    const moved = await versioned(em, hazards, h.id, version, { status: to, ...stamp });
    await hazardSteps.insert(em, {
      hazardId: h.id,
      action,
      statusFrom: h.status,
      statusTo: to,
      by: { subject: ctx.caller.subject, name: ctx.caller.name || null },
      note: given.note,
      rectifyBy: given.rectifyBy ?? null,
      villageCode: h.villageCode,
      gridCode: h.gridCode,
    });
    return moved;
  });
}

/** 安全隐患: reporting hazards (other than on patrol) and their rectification. */
export const hazardMutations = {
  reportHazard: keyedCreate('reportHazard', hazards, async (em, { input }, ctx) => {
    if (input.source === 'PATROL') {
      throw badInput(
        { zh: '巡逻中发现的隐患请通过 recordPatrol 上报。', en: 'Hazards found on patrol are reported with recordPatrol.' },
        { argument: 'source' },
      );
    }
    // A grid worker reports on their own grid, the only one they may write to: the phone's form may leave it out.
    const gridCode = input.gridCode ?? (ctx.caller.jurisdiction.length === 15 ? ctx.caller.jurisdiction : null);
    if (gridCode == null) {
      throw badInput(
        {
          zh: 'gridCode 必填：请写明隐患所在的网格（15 位网格代码）。',
          en: 'gridCode is required: the 15-digit code of the grid where the hazard was found.',
        },
        { argument: 'gridCode', rule: 'required' },
      );
    }
    const loc = await gridFor(em, ctx.caller, gridCode);
    return hazards.insertReported(em, {
      kind: input.kind,
      description: text(input.description, 'description', 500),
      location: optText(input.location, 'location'),
      source: input.source,
      // Who reported it, else whoever entered it (their name, or else their subject), as a patrol's hazards name the
      // one who recorded the patrol: a report is never left without anyone to ask about it.
      reportedBy: optText(input.reportedBy, 'reportedBy', 50) ?? (ctx.caller.name || ctx.caller.subject).slice(0, 50),
      ...loc,
    });
  }),
  startHazardRectification: (_, { id, version, note, rectifyBy }, ctx) =>
    takeStep(ctx, id, version, 'START', { note: optStepNote(note, 'note', NOTE_MAX), rectifyBy: deadline(rectifyBy) }),
  rectifyHazard: (_, { id, version, note }, ctx) => takeStep(ctx, id, version, 'RECTIFY', { note: optStepNote(note, 'note', NOTE_MAX) }),
  verifyHazard: (_, { id, version, note }, ctx) => takeStep(ctx, id, version, 'VERIFY', { note: optStepNote(note, 'note', NOTE_MAX) }),
  sendBackHazard: (_, { id, version, reason, rectifyBy }, ctx) =>
    takeStep(ctx, id, version, 'SEND_BACK', { note: stepNote(reason, 'reason', NOTE_MAX), rectifyBy: deadline(rectifyBy) }),
} satisfies MutationResolvers;
