import type { EntityManager } from '@mikro-orm/postgresql';
import { requireWrite, type Caller } from '../../../../../platform/caller.ts';
import { parseId } from '../../../../../platform/scalars.ts';
import { optText } from '../../../../../platform/validate.ts';
import type { MutationResolvers } from '../../generated/resolvers.ts';
import { committeeFields, mediatorFields } from '../../registry/fields.ts';
import { committeeHolder, ownCommitteeTaken, recordUnknown, ruleError, staleVersion, versionRule, WHAT, type Rule } from '../../registry/rules.ts';
import { writeForm, type WritableKind } from '../../registry/write.ts';
import type { Staged } from '../../store/row-kinds.ts';
import { COMMITTEE_KIND, COMMITTEE_WRITER, mediationCommittees, type MediationCommitteeRow } from '../../store/mediation-committee.ts';
import { MEDIATOR_KIND, MEDIATOR_WRITER, mediators, type MediatorRow } from '../../store/mediator.ts';
import { forceEnds, keyedCreate, lockedOrEnded, tx } from './write.ts';

/**
 * 人民调解委员会 and 人民调解员: setting up, changing and ending committees,
 * appointing, changing and ending mediators, through the one write path
 * shared with the `mediation-committees` and `mediators` imports
 * (docs/ARCHITECTURE.md, "One write path per kind" and "Maintaining the
 * forces").
 */

const COMMITTEES: WritableKind = { kind: COMMITTEE_KIND, writer: COMMITTEE_WRITER, fields: committeeFields };
const MEDIATORS: WritableKind = { kind: MEDIATOR_KIND, writer: MEDIATOR_WRITER, fields: mediatorFields };
const NO_COMMITTEE = recordUnknown(WHAT.committee);
const NO_MEDIATOR = recordUnknown(WHAT.mediator);

const stale = (version: number | undefined) => ({ extra: { currentVersion: version } });
const by = (caller: Caller) => caller.name || caller.subject;
/** The record's id and the version a form read it at, for an update; `register` for a new record. */
const keysOf = (current: { id: number } | null, version?: number): Record<string, Staged> =>
  current ? { id: current.id, version: version ?? null } : { register: true };

/** Whose write a committee or mediator takes: its village's (row-level security decides whom they are unknown to). */
const IN_VILLAGE = { sees: () => true, place: (r: { villageCode: string }) => r.villageCode };

/** The committee `id`, locked, if the caller may write it; INVALID_TRANSITION (alreadyEnded) once it has ended, else NOT_FOUND. */
const committee = (em: EntityManager, caller: Caller, id: string, action: 'end' | 'change'): Promise<MediationCommitteeRow> =>
  lockedOrEnded(em, caller, mediationCommittees, forceEnds(mediationCommittees.endedOf, WHAT.committee), id, action, {
    ...IN_VILLAGE,
    unknown: () => ruleError(NO_COMMITTEE),
  });

/** The mediator `id`, locked, if the caller may write it; INVALID_TRANSITION (alreadyEnded) once their service has ended, else NOT_FOUND. */
const mediator = (em: EntityManager, caller: Caller, id: string, action: 'end' | 'change'): Promise<MediatorRow> =>
  lockedOrEnded(em, caller, mediators, forceEnds(mediators.endedOf, WHAT.mediator), id, action, {
    ...IN_VILLAGE,
    unknown: () => ruleError(NO_MEDIATOR),
  });

async function saveCommittee(em: EntityManager, caller: Caller, input: object, current: MediationCommitteeRow | null, version?: number) {
  const given = 'villageCode' in input && typeof input.villageCode === 'string' ? input.villageCode.trim() : undefined;
  const village = given ?? current?.villageCode;
  const id = await writeForm(em, caller, COMMITTEES, input, keysOf(current, version), async (broken: Rule) => {
    if (broken.name === staleVersion.name) return stale(current?.version);
    if (broken.name !== ownCommitteeTaken.name || !village) return undefined;
    // The village's own committee, so the caller knows which one to change or end.
    const own = await mediationCommittees.ownOf(em, village);
    return own ? { said: committeeHolder(own.name, String(own.id)), extra: { currentId: String(own.id) } } : undefined;
  });
  return (await mediationCommittees.byId(em, id ?? current!.id))!;
}

async function saveMediator(em: EntityManager, caller: Caller, input: object, current: MediatorRow | null, version?: number) {
  if ('committeeId' in input && typeof input.committeeId === 'string') {
    // The committee's village must be writable by the caller; one it cannot see is the checks' NOT_FOUND.
    const c = await mediationCommittees.byId(em, parseId(input.committeeId, 'committeeId'));
    if (c) requireWrite(caller, c.villageCode);
  }
  const id = await writeForm(em, caller, MEDIATORS, input, keysOf(current, version), async (broken) =>
    broken.name === staleVersion.name ? stale(current?.version) : undefined,
  );
  return (await mediators.byId(em, id ?? current!.id))!;
}

export const mediationMutations = {
  createMediationCommittee: keyedCreate('createMediationCommittee', mediationCommittees, (em, { input }, ctx) => saveCommittee(em, ctx.caller, input, null)),
  updateMediationCommittee: (_, { id, version, input }, ctx) =>
    tx(ctx, async (em) => saveCommittee(em, ctx.caller, input, await committee(em, ctx.caller, id, 'change'), version)),
  endMediationCommittee: (_, { id, version, reason }, ctx) =>
    tx(ctx, async (em) => {
      const again = await mediationCommittees.endedAgain(em, parseId(id, 'id'), version, optText(reason, 'reason', 200));
      if (again) {
        requireWrite(ctx.caller, again.villageCode);
        return again;
      }
      const current = await committee(em, ctx.caller, id, 'end');
      if (current.version !== version) throw ruleError(versionRule(current.version, version), stale(current.version));
      const why = optText(reason, 'reason', 200);
      // A committee's mediators serve in it: they end with it (history keeps both).
      await mediators.endOfCommittee(em, current.id, by(ctx.caller), why);
      return mediationCommittees.end(em, current.id, by(ctx.caller), why);
    }),
  createMediator: keyedCreate('createMediator', mediators, (em, { input }, ctx) => saveMediator(em, ctx.caller, input, null)),
  updateMediator: (_, { id, version, input }, ctx) =>
    tx(ctx, async (em) => saveMediator(em, ctx.caller, input, await mediator(em, ctx.caller, id, 'change'), version)),
  endMediator: (_, { id, version, reason }, ctx) =>
    tx(ctx, async (em) => {
      const again = await mediators.endedAgain(em, parseId(id, 'id'), version, optText(reason, 'reason', 200));
      if (again) {
        requireWrite(ctx.caller, again.villageCode);
        return again;
      }
      const current = await mediator(em, ctx.caller, id, 'end');
      if (current.version !== version) throw ruleError(versionRule(current.version, version), stale(current.version));
      return mediators.end(em, current.id, by(ctx.caller), optText(reason, 'reason', 200));
    }),
} satisfies MutationResolvers;
