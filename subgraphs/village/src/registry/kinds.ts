import {
  ADDRESS_KIND,
  ADDRESS_WRITER,
  GROUP_KIND,
  GROUP_WRITER,
  HOUSE_KIND,
  HOUSE_WRITER,
  HOUSEHOLD_KIND,
  HOUSEHOLD_WRITER,
  SITE_KIND,
  SITE_WRITER,
  TEAM_KIND,
  TEAM_WRITER,
} from '../store/registry-kinds.ts';
import { RESIDENT_KIND, RESIDENT_WRITER } from '../store/resident-kind.ts';
import { addressFields, groupFields, householdFields, houseFields, personFields, siteFields, teamFields } from './fields.ts';
import type { WritableKind } from './write.ts';

/** The registry's kinds as their mutations write them: field rules (./fields.ts), checks and write (store/registry-kinds.ts, store/resident-kind.ts). */
export const RESIDENTS: WritableKind = { kind: RESIDENT_KIND, writer: RESIDENT_WRITER, fields: personFields };
export const ADDRESSES: WritableKind = { kind: ADDRESS_KIND, writer: ADDRESS_WRITER, fields: addressFields };
export const HOUSES: WritableKind = { kind: HOUSE_KIND, writer: HOUSE_WRITER, fields: houseFields };
export const HOUSEHOLDS: WritableKind = { kind: HOUSEHOLD_KIND, writer: HOUSEHOLD_WRITER, fields: householdFields };
export const SITES: WritableKind = { kind: SITE_KIND, writer: SITE_WRITER, fields: siteFields };
export const GROUPS: WritableKind = { kind: GROUP_KIND, writer: GROUP_WRITER, fields: groupFields };
export const TEAMS: WritableKind = { kind: TEAM_KIND, writer: TEAM_WRITER, fields: teamFields };
