import { badInput, hubError } from '../../../../../domain/errors.ts';
import { optText, text } from '../../../../../platform/validate.ts';
import type { VillageContext } from '../../context.ts';
import type { MutationResolvers } from '../../generated/resolvers.ts';
import { HAZARD_NEXT } from '../../../../../domain/hazards.ts';
import { schemaEnum } from '../../enums.ts';
import { hazards, type HazardRow } from '../../store/hazard.ts';
import { checkVersion, forWrite, gridFor, keyedCreate, tx, versioned } from './write.ts';

/** A hazard's status as a Chinese message names it: the schema's name for it (已上报, 整改中, …). */
const HAZARD_ZH = schemaEnum('HazardStatus').names;

/** A hazard moves only as domain/hazards.ts allows (HAZARD_NEXT). */
async function moveHazard(ctx: VillageContext, id: string, version: number, to: 'RECTIFYING' | 'RECTIFIED' | 'VERIFIED'): Promise<HazardRow> {
  return tx(ctx, async (em) => {
    const h = await forWrite(em, ctx.caller, hazards, id, 'hazard');
    // The same move sent again after a lost answer: the hazard already made it, from the version the caller read (no
    // one else changed it between), so the retry answers the hazard as it is rather than CONFLICT.
    if (h.status === to && h.version === version + 1) return h;
    // A move the hazard's status allows, asked on a stale read, is CONFLICT: the caller re-reads and may make it then.
    // One the status does not allow is refused as such whatever version was sent, since nothing moves back and
    // re-reading would never make it allowed. A version below 1 was never any record's: a wrong argument.
    const allowed = HAZARD_NEXT[h.status];
    if (!allowed.includes(to) && version >= 1) {
      throw hubError(
        'INVALID_TRANSITION',
        {
          zh: `${HAZARD_ZH.get(h.status)}的隐患不能改为${HAZARD_ZH.get(to)}；${allowed.length ? `可改为：${allowed.map((s) => HAZARD_ZH.get(s)).join('、')}` : '该隐患已闭环，不能再变更'}。`,
          en: `A ${h.status} hazard cannot become ${to}; allowed: ${allowed.length ? allowed.join(', ') : 'none (it is closed)'}.`,
        },
        {
          from: h.status,
          to,
          allowed,
        },
      );
    }
    checkVersion(h.version, version);
    const stamp = to === 'RECTIFIED' ? { rectifiedAt: new Date() } : to === 'VERIFIED' ? { verifiedAt: new Date() } : {};
    return versioned(em, hazards, h.id, version, { status: to, ...stamp });
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
    const loc = await gridFor(em, ctx.caller, input.gridCode);
    return hazards.insertReported(em, {
      kind: input.kind,
      description: text(input.description, 'description', 500),
      location: optText(input.location, 'location'),
      source: input.source,
      reportedBy: optText(input.reportedBy, 'reportedBy', 50),
      ...loc,
    });
  }),
  startHazardRectification: (_, { id, version }, ctx) => moveHazard(ctx, id, version, 'RECTIFYING'),
  rectifyHazard: (_, { id, version }, ctx) => moveHazard(ctx, id, version, 'RECTIFIED'),
  verifyHazard: (_, { id, version }, ctx) => moveHazard(ctx, id, version, 'VERIFIED'),
} satisfies MutationResolvers;
