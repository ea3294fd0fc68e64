import type { EntityManager } from '@mikro-orm/postgresql';
import type { Caller } from '../../../../../platform/caller.ts';
import { parseCitizenId, parsePhone } from '../../../../../domain/citizen-id.ts';
import { checkTagsForAge } from '../../../../../domain/tags.ts';
import { formatDate } from '../../../../../platform/scalars.ts';
import { badInput, conflict } from '../../../../../platform/errors.ts';
import { text } from '../../../../../platform/validate.ts';
import type { MutationResolvers } from '../../generated/resolvers.ts';
import { addresses } from '../../store/address.ts';
import { households } from '../../store/household.ts';
import { persons } from '../../store/person.ts';
import { forWrite, gridFor, refInVillage, tx, versioned } from './write.ts';

/** The most people a household (户) may have. */
const HOUSEHOLD_MAX = 8;

/** The household and address a person input refers to, both in `village`. */
async function personRefs(em: EntityManager, caller: Caller, input: { householdId?: string | null; addressId?: string | null }, village: string) {
  return {
    householdId: await refInVillage(em, caller, households, input.householdId, 'household', village),
    addressId: await refInVillage(em, caller, addresses, input.addressId, 'address', village),
  };
}

/** Room for one more member: a household has at most HOUSEHOLD_MAX people. */
async function checkHouseholdSize(em: EntityManager, householdId: number | null): Promise<void> {
  if (householdId == null) return;
  // The household's row lock makes concurrent additions count one after the other.
  await households.lock(em, householdId);
  const n = await persons.householdSize(em, householdId);
  if (n >= HOUSEHOLD_MAX) {
    throw badInput(
      {
        zh: `户 ${householdId} 已有 ${n} 人，每户最多 ${HOUSEHOLD_MAX} 人。`,
        en: `household ${householdId} already has ${n} members; a household has at most ${HOUSEHOLD_MAX}.`,
      },
      { argument: 'householdId', max: HOUSEHOLD_MAX },
    );
  }
}

/** 实有人口: registering residents, correcting and moving them, and their special-population tags. */
export const personMutations = {
  registerPerson: (_, { input }, ctx) =>
    tx(ctx, async (em) => {
      const loc = await gridFor(em, ctx.caller, input.gridCode);
      let gender = input.gender ?? null;
      let birthDate = input.birthDate ?? null;
      let idNumber: string | null = null;
      if (input.idNumber != null) {
        const parsed = parseCitizenId(input.idNumber);
        if (gender && gender !== parsed.gender) {
          throw badInput(
            { zh: `gender（性别）${gender} 与公民身份号码（${parsed.gender}）不符。`, en: `gender ${gender} disagrees with the ID number (${parsed.gender}).` },
            { argument: 'gender' },
          );
        }
        if (birthDate && birthDate !== parsed.birthDate) {
          throw badInput(
            {
              zh: `birthDate（出生日期）${birthDate} 与公民身份号码（${parsed.birthDate}）不符。`,
              en: `birthDate ${birthDate} disagrees with the ID number (${parsed.birthDate}).`,
            },
            { argument: 'birthDate' },
          );
        }
        ({ gender, birthDate, idNumber } = parsed);
      } else if (input.residency !== 'OVERSEAS') {
        throw badInput(
          { zh: '户籍人口和流动人口须填写 idNumber（公民身份号码）。', en: 'idNumber is required for registered and floating residents.' },
          { argument: 'idNumber' },
        );
      } else if (!gender || !birthDate) {
        throw badInput(
          { zh: '没有公民身份号码时，须填写 gender（性别）和 birthDate（出生日期）。', en: 'Without an ID number, gender and birthDate are required.' },
          { argument: 'idNumber' },
        );
      }
      if (birthDate! > new Date().toISOString().slice(0, 10)) {
        throw badInput({ zh: 'birthDate（出生日期）不能晚于今天。', en: 'birthDate is in the future.' }, { argument: 'birthDate' });
      }
      const tags = input.tags ? [...new Set(input.tags)] : [];
      checkTagsForAge(tags, birthDate!);
      if (idNumber && (await persons.idNumberTaken(em, idNumber))) {
        const masked = `${idNumber.slice(0, 6)}********${idNumber.slice(14)}`;
        throw conflict({ zh: `公民身份号码为 ${masked} 的人员已经登记。`, en: `A resident with ID number ${masked} is already registered.` });
      }
      const refs = await personRefs(em, ctx.caller, input, loc.villageCode);
      await checkHouseholdSize(em, refs.householdId);
      const person = await persons.insert(em, {
        name: text(input.name, 'name', 50),
        gender: gender!,
        birthDate: birthDate!,
        ethnicity: text(input.ethnicity, 'ethnicity', 20),
        idNumber,
        phone: input.phone == null ? null : parsePhone(input.phone),
        residency: input.residency,
        tags,
        householdId: refs.householdId,
        addressId: refs.addressId,
        ...loc,
      });
      if (refs.householdId != null) await households.headIfNone(em, refs.householdId, person.id);
      return person;
    }),
  updatePerson: (_, { id, version, input }, ctx) =>
    tx(ctx, async (em) => {
      const p = await forWrite(em, ctx.caller, persons, id, 'person');
      const loc = input.gridCode ? await gridFor(em, ctx.caller, input.gridCode) : null;
      const village = loc?.villageCode ?? p.villageCode;
      const refs = await personRefs(em, ctx.caller, input, village);
      const leaves = loc != null && loc.villageCode !== p.villageCode;
      if (leaves && input.householdId == null && p.householdId != null) {
        throw badInput(
          {
            zh: '人员迁往其他村（社区）时须给出新的 householdId（户），或整户迁移。',
            en: 'Moving a person to another village needs their new householdId (or move the whole household).',
          },
          { argument: 'householdId' },
        );
      }
      if (refs.householdId != null && refs.householdId !== p.householdId) await checkHouseholdSize(em, refs.householdId);
      // An address lies in the person's village: one who moves to another village leaves the old address behind.
      const addressId = input.addressId != null ? refs.addressId : leaves ? null : undefined;
      return versioned(em, persons, p.id, version, {
        name: input.name == null ? undefined : text(input.name, 'name', 50),
        ethnicity: input.ethnicity == null ? undefined : text(input.ethnicity, 'ethnicity', 20),
        phone: input.phone == null ? undefined : parsePhone(input.phone),
        residency: input.residency ?? undefined,
        villageCode: loc?.villageCode,
        gridCode: loc?.gridCode,
        countyCode: loc?.countyCode,
        householdId: input.householdId == null ? undefined : refs.householdId,
        addressId,
      });
    }),
  tagPerson: (_, { id, tags }, ctx) =>
    tx(ctx, async (em) => {
      const p = await forWrite(em, ctx.caller, persons, id, 'person');
      checkTagsForAge(tags, formatDate(p.birthDate));
      return persons.tag(em, p.id, tags);
    }),
  untagPerson: (_, { id, tags }, ctx) =>
    tx(ctx, async (em) => {
      const p = await forWrite(em, ctx.caller, persons, id, 'person');
      return persons.untag(em, p.id, tags);
    }),
} satisfies MutationResolvers;
