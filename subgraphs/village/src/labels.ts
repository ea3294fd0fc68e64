import { ARGUMENT_ZH, argumentLabel, type ArgumentLabel } from '../../../platform/argument-labels.ts';
import { headerLabels, KINDS } from './import/kinds.ts';
import { argumentOf } from './registry/rules.ts';
import { EXPORT_KINDS, exportKind } from './store/export.ts';

/**
 * How the village's Chinese messages name a form's arguments (platform/argument-labels.ts): an argument that is a
 * file's column (`idNumber` is `id_number`) by the Chinese header the import takes for it (身份证号: the export's
 * header, or the import's own for a column no export writes, 户号 for household_number), so a form and a file name
 * a field alike; any other argument by ARGUMENT_ZH.
 *
 * A column's header depends on its kind (`number` is 户号, 房屋号 or 地址号): the kind of the field that takes the
 * argument (registerHousehold, updateHousehold, moveHousehold: households) is asked first, then a header every kind
 * gives the column alike.
 */
function columnLabels(): { byKind: ReadonlyMap<string, ReadonlyMap<string, string>>; common: ReadonlyMap<string, string> } {
  const byKind = new Map<string, Map<string, string>>();
  for (const name of EXPORT_KINDS) {
    const labels = new Map<string, string>();
    for (const c of exportKind(name)?.columns ?? []) labels.set(argumentOf(c.key), c.zh);
    // The import's headers for its columns; the first for a column is the one it is listed by (tabular.ts).
    const kind = KINDS[name as keyof typeof KINDS] as (typeof KINDS)[keyof typeof KINDS] | undefined;
    if (kind) for (const [zh, key] of headerLabels(name, kind)) if (!labels.has(argumentOf(key))) labels.set(argumentOf(key), zh);
    byKind.set(name, labels);
  }
  const seen = new Map<string, Set<string>>();
  for (const labels of byKind.values()) for (const [argument, zh] of labels) seen.set(argument, (seen.get(argument) ?? new Set()).add(zh));
  const common = new Map([...seen].filter(([, zh]) => zh.size === 1).map(([argument, zh]) => [argument, [...zh][0]!]));
  return { byKind, common };
}

const { byKind, common } = columnLabels();

/** A field's kind by the record type its name holds (addPatrolTeamMembers: patrol-teams); longer names first. */
const FIELD_KINDS: readonly (readonly [string, string])[] = [
  ['JointDefenseGroup', 'joint-defense-groups'],
  ['PatrolTeam', 'patrol-teams'],
  ['Patrol', 'patrols'],
  ['GridStaff', 'grid-staff'],
  ['MediationCommittee', 'mediation-committees'],
  ['Mediator', 'mediators'],
  ['Household', 'households'],
  ['House', 'houses'],
  ['Address', 'addresses'],
  ['Person', 'residents'],
  ['Site', 'sites'],
  ['Hazard', 'hazards'],
  ['Dispute', 'disputes'],
];

const kindOfField = (field: string) => FIELD_KINDS.find(([type]) => field.toLowerCase().includes(type.toLowerCase()))?.[1];

export const villageArgumentLabel: ArgumentLabel = (field, argument) => {
  const kind = field === undefined ? undefined : kindOfField(field);
  const own = kind && byKind.get(kind)?.get(argument);
  if (own) return own;
  // A field of a known kind whose files have no such column names it by ARGUMENT_ZH before another kind's header:
  // splitHousehold's memberIds are the household's members who leave (分出成员), not a patrol team's 队员.
  if (kind && Object.hasOwn(ARGUMENT_ZH, argument)) return argumentLabel(field, argument);
  return common.get(argument) ?? argumentLabel(field, argument);
};
