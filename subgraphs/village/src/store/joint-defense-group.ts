import { z } from 'zod';
import { col } from '../../../../platform/sql.ts';
import { located, recordTable } from './record.ts';
import { scopedList, type Scope, type ScopedList } from './scoped.ts';

/** Joint-defense groups (十户联防), table `joint_defense_group` (migration …02Registry). */
const JointDefenseGroup = z.object({
  id: col.id,
  name: col.text,
  leaderId: col.id.nullable(),
  ...located,
  version: col.id,
  externalId: col.text.nullable(),
});
export type JointDefenseGroupRow = z.infer<typeof JointDefenseGroup>;

/** What the group mutations may change (the others only bump the version). */
export interface JointDefenseGroupChanges {
  leaderId?: number;
}

const table = recordTable<JointDefenseGroupRow, JointDefenseGroupChanges>('joint_defense_group', JointDefenseGroup, { leaderId: 'leader_id' });

export const jointDefenseGroups = {
  ...table,
  list: (scope: Scope): ScopedList<JointDefenseGroupRow> => scopedList('jointDefenseGroup.list', 'joint_defense_group', JointDefenseGroup, scope),
};
