import type { EntityManager } from '@mikro-orm/postgresql';
import { requireWrite, type Caller } from '../../../../../platform/caller.ts';
import { parseCodeOfLevel } from '../../../../../domain/codes.ts';
import { parseId } from '../../../../../platform/scalars.ts';
import { optText } from '../../../../../platform/validate.ts';
import type { MutationResolvers } from '../../generated/resolvers.ts';
import { committeeRow, mediatorRow } from '../../forces/fields.ts';
import { checkedWrite, formContext, formFields, ruleError } from '../../forces/write.ts';
import type { RowRule } from '../../store/forces-rules.ts';
import { COMMITTEE_RULES, mediationCommittees, type MediationCommitteeRow } from '../../store/mediation-committee.ts';
import { MEDIATOR_RULES, mediators, type MediatorRow } from '../../store/mediator.ts';
import { villages } from '../../store/village.ts';
import { tx } from './write.ts';

/**
 * 人民调解委员会 and 人民调解员: setting up, changing and ending committees,
 * appointing, changing and ending mediators, through the forces' one write
 * path shared with the `mediation-committees` and `mediators` imports
 * (docs/ARCHITECTURE.md, "Maintaining the forces").
 */

const find = (rules: readonly RowRule[], field: string, code: RowRule['code']) => rules.find((r) => r.field === field && r.code === code)!;
const NO_COMMITTEE = find(COMMITTEE_RULES, 'id', 'NOT_FOUND');
const STALE_COMMITTEE = find(COMMITTEE_RULES, 'version', 'CONFLICT');
const SECOND_OWN = find(COMMITTEE_RULES, 'kind', 'CONFLICT');
const NO_MEDIATOR = find(MEDIATOR_RULES, 'id', 'NOT_FOUND');
const STALE_MEDIATOR = find(MEDIATOR_RULES, 'version', 'CONFLICT');

const stale = (version: number | undefined) => ({ said: { zh: '', en: '' }, extra: { currentVersion: version } });
const by = (caller: Caller) => caller.name || caller.subject;

async function committee(em: EntityManager, caller: Caller, id: string): Promise<MediationCommitteeRow> {
  const row = await mediationCommittees.lock(em, parseId(id, 'id'));
  if (!row) throw ruleError(NO_COMMITTEE);
  requireWrite(caller, row.villageCode);
  return row;
}

async function mediator(em: EntityManager, caller: Caller, id: string): Promise<MediatorRow> {
  const row = await mediators.lock(em, parseId(id, 'id'));
  if (!row) throw ruleError(NO_MEDIATOR);
  requireWrite(caller, row.villageCode);
  return row;
}

async function saveCommittee(
  em: EntityManager,
  caller: Caller,
  input: object,
  current: MediationCommitteeRow | null,
  keys: Record<string, string> = {},
): Promise<MediationCommitteeRow> {
  const f = formFields(input, keys);
  let known: string[] = [];
  if (f.village_code) {
    const code = parseCodeOfLevel(f.village_code.trim(), 'VILLAGE', 'villageCode');
    requireWrite(caller, code);
    known = (await villages.byCodes(em, [code])).map((v) => v.code);
  }
  const village = f.village_code?.trim() ?? current?.villageCode;
  const id = await checkedWrite(em, mediationCommittees, committeeRow(f, formContext(caller, { villages: known })), async (broken) => {
    if (broken === STALE_COMMITTEE) return stale(current?.version);
    if (broken !== SECOND_OWN || !village) return undefined;
    // The village's own committee, so the caller knows which one to change or end.
    const own = await mediationCommittees.ownOf(em, village);
    return own
      ? { said: { zh: `（现有：${own.name}，编号 ${own.id}）。`, en: ` (now ${own.name}, id ${own.id}).` }, extra: { currentId: String(own.id) } }
      : undefined;
  });
  return (await mediationCommittees.byId(em, id ?? current!.id))!;
}

async function saveMediator(
  em: EntityManager,
  caller: Caller,
  input: object,
  current: MediatorRow | null,
  keys: Record<string, string> = {},
): Promise<MediatorRow> {
  const f = formFields(input, keys);
  if (f.committee_id) {
    // The committee's village must be writable by the caller; one it cannot see is the rules' NOT_FOUND.
    const c = await mediationCommittees.byId(em, parseId(f.committee_id, 'committeeId'));
    if (c) requireWrite(caller, c.villageCode);
  }
  const id = await checkedWrite(em, mediators, mediatorRow(f, formContext(caller)), async (broken) =>
    broken === STALE_MEDIATOR ? stale(current?.version) : undefined,
  );
  return (await mediators.byId(em, id ?? current!.id))!;
}

export const mediationMutations = {
  createMediationCommittee: (_, { input }, ctx) => tx(ctx, (em) => saveCommittee(em, ctx.caller, input, null)),
  updateMediationCommittee: (_, { id, version, input }, ctx) =>
    tx(ctx, async (em) => {
      const current = await committee(em, ctx.caller, id);
      return saveCommittee(em, ctx.caller, input, current, { id: String(current.id), version: String(version) });
    }),
  endMediationCommittee: (_, { id, version, reason }, ctx) =>
    tx(ctx, async (em) => {
      const current = await committee(em, ctx.caller, id);
      if (current.version !== version) throw ruleError(STALE_COMMITTEE, stale(current.version));
      const why = optText(reason, 'reason', 200);
      // A committee's mediators serve in it: they end with it (history keeps both).
      await mediators.endOfCommittee(em, current.id, by(ctx.caller), why);
      return mediationCommittees.end(em, current.id, by(ctx.caller), why);
    }),
  createMediator: (_, { input }, ctx) => tx(ctx, (em) => saveMediator(em, ctx.caller, input, null)),
  updateMediator: (_, { id, version, input }, ctx) =>
    tx(ctx, async (em) => {
      const current = await mediator(em, ctx.caller, id);
      return saveMediator(em, ctx.caller, input, current, { id: String(current.id), version: String(version) });
    }),
  endMediator: (_, { id, version, reason }, ctx) =>
    tx(ctx, async (em) => {
      const current = await mediator(em, ctx.caller, id);
      if (current.version !== version) throw ruleError(STALE_MEDIATOR, stale(current.version));
      return mediators.end(em, current.id, by(ctx.caller), optText(reason, 'reason', 200));
    }),
} satisfies MutationResolvers;
