import { z } from 'zod';
import { col, row, sql, type Db } from '../../../../platform/sql.ts';
import { located, recordTable, type Location } from './record.ts';
import { scopedList, type Scope, type ScopedList } from './scoped.ts';

/** Joint-defense groups (十户联防), table `joint_defense_group` (migration …02Registry). */
const JointDefenseGroup = z.object({
  id: col.id,
  name: col.text,
  leaderId: col.id.nullable(),
  ...located,
  version: col.id,
});
export type JointDefenseGroupRow = z.infer<typeof JointDefenseGroup>;

/** What the group mutations may change (the others only bump the version). */
export interface JointDefenseGroupChanges {
  leaderId?: number;
}

const table = recordTable<JointDefenseGroupRow, JointDefenseGroupChanges>('joint_defense_group', JointDefenseGroup, { leaderId: 'leader_id' });

const insert = sql(
  'jointDefenseGroup.insert',
  JointDefenseGroup,
  `insert into joint_defense_group (name, leader_id, village_code, grid_code, county_code) values (?, ?, ?, ?, ?) returning *`,
);

export interface NewJointDefenseGroup extends Location {
  name: string;
  leaderId: number;
}

export const jointDefenseGroups = {
  ...table,
  async insert(db: Db, g: NewJointDefenseGroup): Promise<JointDefenseGroupRow> {
    return (await row(db, insert, [g.name, g.leaderId, g.villageCode, g.gridCode, g.countyCode]))!;
  },
  list: (scope: Scope): ScopedList<JointDefenseGroupRow> => scopedList('jointDefenseGroup.list', 'joint_defense_group', JointDefenseGroup, scope),
};
