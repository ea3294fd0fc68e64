import { ageOn, checkTagsForAge } from '../../../../../domain/tags.ts';
import { chinaDay } from '../../../../../domain/china-day.ts';
import { parseCitizenId } from '../../../../../domain/citizen-id.ts';
import { formatDate } from '../../../../../platform/scalars.ts';
import { badInput, conflict, forbidden } from '../../../../../domain/errors.ts';
import { hasScope, type Caller } from '../../../../../platform/caller.ts';
import { listGiven, text } from '../../../../../platform/validate.ts';
import { auditTrail } from '../../store/audit-trail.ts';
import type { MutationResolvers } from '../../generated/resolvers.ts';
import { RESIDENTS } from '../../registry/kinds.ts';
import {
  alreadyRegistered,
  argumentOf,
  deregistered,
  deregisteredNumber,
  FORCES_MIN_AGE,
  idNumberDisagrees,
  idNumberElsewhere,
  leaderUnderage,
  personUnderage,
  ruleError,
  WHAT,
  type Rule,
} from '../../registry/rules.ts';
import { newbornWithoutNumber } from '../../registry/fields.ts';
import { auditEntry, spendLookup } from '../../access.ts';
import { auditLookup } from '../lists/registry.ts';
import { GraphQLError } from 'graphql';
import { currentVersion, writeForm } from '../../registry/write.ts';
import { registerResident } from '../../registry/move-in.ts';
import { persons, type PersonRow } from '../../store/person.ts';
import { lifeCycle } from '../../store/life-cycle.ts';
import { patrolTeamMembers } from '../../store/patrol-team-member.ts';
import { checkVersion, forWrite, once, staleError, tx } from './write.ts';
import { scopeNamed } from '../../../../../domain/labels.ts';
import { postHeld } from '../../registry/posts.ts';
import type { Said } from '../../../../../domain/errors.ts';

/** The row as it is after a write (a record the write just made or changed, or left as it was). */
async function current(em: Parameters<typeof persons.byId>[0], id: number): Promise<PersonRow> {
  return (await persons.byId(em, id))!;
}

/** A refusal that tells whether (and to whom) an ID number is registered: a lookup by that number. */
const revealsRegistration = (e: unknown): e is GraphQLError =>
  e instanceof GraphQLError && (e.extensions.rule === idNumberElsewhere.name || e.extensions.rule === deregisteredNumber.name);

/** A deregistered resident's record is history: tags no longer change, as no other field does (the write path's rule). */
function active(p: PersonRow): PersonRow {
  if (p.status === 'DEREGISTERED') throw ruleError(deregistered, { name: 'id' });
  return p;
}

/**
 * 实有人口: registering residents, correcting and moving them, and their
 * special-population tags. Registering and updating take the residents'
 * one write path (docs/ARCHITECTURE.md, "One write path per kind"): the
 * rules and the write of a residents file's line.
 */
/** Who holds a number a refusal says is registered: named in the message and in `extensions.personId`. */
const heldBy = (personId: number) => ({
  said: { zh: `（人员编号 ${personId}）。`, en: ` (person ${personId}).` },
  extra: { personId: String(personId) },
});

/**
 * The refusal of a correction whose birth date makes the person a minor while they hold a post kept for adults
 * (registry/rules.ts `leaderUnderage`, `personUnderage`, checked when the link is made): 联户长 of a 十户联防 group,
 * 网格力量, 人民调解员, or member of a patrol team. CONFLICT naming the post, saying to appoint another leader or end the
 * post first. Each link is found wherever it lies, as a deregistration finds them (`hub_record_ties`).
 */
async function adultLinks(em: Parameters<typeof persons.byId>[0], caller: Caller, personId: number, birthDate: string): Promise<void> {
  const under = { zh: `更正后的出生日期 ${birthDate} 未满 ${FORCES_MIN_AGE} 周岁`, en: `the corrected birth date ${birthDate} is under ${FORCES_MIN_AGE}` };
  const refuse = (what: Said, undo: Said, rule: string, extra: Record<string, string>) =>
    conflict(
      {
        zh: `idNumber ${under.zh}，而人员 ${personId} ${what.zh}，须为成年人；${undo.zh}，再更正号码。`,
        en: `idNumber: ${under.en}, and person ${personId} ${what.en}, a post for adults; ${undo.en}.`,
      },
      { argument: 'idNumber', rule, ...extra },
    );
  for (const t of await lifeCycle.ties(em, 'person', personId)) {
    const post = postHeld(t, caller);
    if (post) throw refuse(post.what, post.undo, t.tie === 'GROUP_LEADER' ? leaderUnderage.name : personUnderage.name, post.extra);
  }
  const [team] = await patrolTeamMembers.teamsOf(em, personId);
  if (team) {
    throw refuse(
      { zh: `是巡防队 ${team.teamId}（${team.name}）的队员`, en: `is a member of patrol team ${team.teamId} (${team.name})` },
      { zh: '请先将其移出该队（removePatrolTeamMembers）', en: 'remove them from the team first (removePatrolTeamMembers)' },
      personUnderage.name,
      { patrolTeamId: String(team.teamId) },
    );
  }
}

export const personMutations = {
  registerPerson: async (_, { input, idempotencyKey }, ctx, info) => {
    // Registering a number tells whether it is registered already, here or elsewhere: a lookup by it, spent before the
    // write (whatever its outcome, so a refusal past the quota says nothing of the number).
    if (input.idNumber != null) await spendLookup(ctx);
    return tx(ctx, (em) =>
      once(
        em,
        ctx.caller,
        { mutation: 'registerPerson', key: idempotencyKey, input },
        async () => {
          // Without an ID number: a newborn not yet issued one (出生登记, as a file's row may be), or an overseas resident.
          if (input.idNumber == null) {
            if (input.residency !== 'OVERSEAS') newbornWithoutNumber(input.gender, input.birthDate, argumentOf);
            else if (!input.gender || !input.birthDate) {
              throw badInput(
                { zh: '没有公民身份号码时，须填写性别和出生日期。', en: 'Without an ID number, gender and birthDate are required.' },
                { argument: 'idNumber' },
              );
            }
          }
          // A deregistered resident's number: the refusal names the record to reinstate.
          const explain = async (broken: Rule) => {
            if (broken.name !== deregisteredNumber.name || input.idNumber == null) return undefined;
            const p = await persons.byIdNumber(em, parseCitizenId(input.idNumber).idNumber);
            return p ? heldBy(p.id) : undefined;
          };
          const id = await registerResident(em, ctx.caller, input, explain).catch((e: unknown) => {
            // Being told an ID number is registered elsewhere, or to a deregistered resident, is a lookup by it: audited as
            // one, as an import's is.
            if (revealsRegistration(e)) {
              const found = e.extensions.personId ? [{ id: Number(e.extensions.personId) }] : [];
              auditLookup(ctx.audit, info, { idNumber: input.idNumber ?? null, phone: null }, found);
            }
            throw e;
          });
          return current(em, id!);
        },
        (id) => persons.byId(em, id),
      ),
    );
  },
  correctIdNumber: async (_, { id, version, idNumber, reason }, ctx) => {
    // Changing whom a record identifies is a personal write: the pii scope, as reading the number in full needs.
    if (!hasScope(ctx.caller, 'pii')) {
      throw forbidden({ zh: `更正公民身份号码需要${scopeNamed('pii')}权限。`, en: 'Correcting an ID number needs the "pii" scope.' }, { scope: 'pii' });
    }
    // Being told whether the new number is registered, and to whom, is a lookup by it.
    await spendLookup(ctx);
    return tx(ctx, async (em) => {
      const p = active(await forWrite(em, ctx.caller, persons, id, 'person'));
      checkVersion(p.version, version);
      const why = text(reason, 'reason', 200);
      const n = parseCitizenId(idNumber, undefined, 'idNumber');
      if (n.idNumber === p.idNumber) return p;
      // 出生登记: the number issued to a resident registered without one is told by the sex and birth date already
      // recorded, which it must give; a typo in them is not what this corrects.
      if (p.idNumber == null && (n.gender !== p.gender || n.birthDate !== formatDate(p.birthDate))) throw ruleError(idNumberDisagrees, { name: 'idNumber' });
      const holder = await persons.holderOf(em, n.idNumber);
      if (holder?.outside) throw ruleError(idNumberElsewhere, { name: 'idNumber' });
      if (holder) {
        const other = await persons.byId(em, holder.personId!);
        if (other?.status === 'DEREGISTERED') throw ruleError(deregisteredNumber, { name: 'idNumber', extra: { personId: String(other.id) } });
        throw ruleError(alreadyRegistered('id_number', WHAT.person), { name: 'idNumber', ...heldBy(holder.personId!) });
      }
      // The tags the law gives an age to follow the birth date the new number gives.
      checkTagsForAge(p.tags, n.birthDate, undefined, true);
      // So do the links held to adults only: a correction does not make a child a group's leader or a patrol member.
      if (ageOn(n.birthDate, chinaDay()) < FORCES_MIN_AGE) await adultLinks(em, ctx.caller, p.id, n.birthDate);
      const corrected = await persons.correctIdNumber(em, p.id, version, n);
      if (!corrected) throw staleError(await persons.version(em, p.id), version);
      await auditTrail.insert(em, auditEntry(ctx, `correctIdNumber: ${why}`, 'Person', [p.id], ['idNumber'], 'correctIdNumber'));
      return corrected;
    });
  },
  updatePerson: async (_, { id, version, input }, ctx, info) => {
    // 补录: adding the number issued tells whether it is registered already (and to whom): a lookup by it, as
    // registering it is. Writing a number is not reading one: `write` over the resident is enough, without `pii`.
    const adding = input.idNumber != null;
    if (adding) await spendLookup(ctx);
    return tx(ctx, async (em) => {
      const p = await forWrite(em, ctx.caller, persons, id, 'person');
      const stale = currentVersion(p);
      // The resident who holds the number a refusal names (a deregistered one is the record to reinstate).
      const explain = async (broken: Rule) => {
        if ((broken.name !== alreadyRegistered('id_number', WHAT.person).name && broken.name !== deregisteredNumber.name) || !adding) return stale(broken);
        const holder = await persons.holderOf(em, parseCitizenId(input.idNumber!, undefined, 'idNumber').idNumber);
        if (holder?.personId == null) return undefined;
        return heldBy(holder.personId);
      };
      await writeForm(em, ctx.caller, RESIDENTS, input, { id: p.id, version }, explain).catch((e: unknown) => {
        // Told the number is registered (to whom, or elsewhere): a lookup by it, audited as one.
        if (adding && (revealsRegistration(e) || (e instanceof GraphQLError && e.extensions.rule === 'alreadyRegistered'))) {
          const found = e.extensions.personId ? [{ id: Number(e.extensions.personId) }] : [];
          auditLookup(ctx.audit, info, { idNumber: input.idNumber ?? null, phone: null }, found);
        }
        throw e;
      });
      const after = await current(em, p.id);
      // An ID number written is audited as correctIdNumber's is, whoever writes it.
      if (p.idNumber == null && after.idNumber != null) {
        await auditTrail.insert(em, auditEntry(ctx, 'updatePerson: idNumber added', 'Person', [p.id], ['idNumber'], 'updatePerson'));
      }
      return after;
    });
  },
  tagPerson: (_, { id, tags }, ctx) =>
    tx(ctx, async (em) => {
      listGiven(tags, 'tags', 'write');
      const p = active(await forWrite(em, ctx.caller, persons, id, 'person'));
      checkTagsForAge(tags, formatDate(p.birthDate));
      return persons.tag(em, p.id, tags);
    }),
  untagPerson: (_, { id, tags }, ctx) =>
    tx(ctx, async (em) => {
      listGiven(tags, 'tags', 'write');
      const p = active(await forWrite(em, ctx.caller, persons, id, 'person'));
      return persons.untag(em, p.id, tags);
    }),
} satisfies MutationResolvers;
