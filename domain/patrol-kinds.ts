/**
 * The kinds of patrol team (群防群治队伍), in the schema's order (红袖标 first):
 * the village schema's `PatrolTeamKind` holds the same values, and
 * tests/enums.test.ts fails if the two drift. Each with its name for a
 * report's Chinese headers (teams, members).
 */
export const PATROL_KINDS = ['RED_ARMBAND', 'MOTORCYCLE_VOLUNTEER', 'JOINT_PREVENTION', 'MILITIA', 'VOLUNTEER'] as const;
export type PatrolTeamKind = (typeof PATROL_KINDS)[number];

export const PATROL_KIND_ZH: Record<PatrolTeamKind, { teams: string; members: string }> = {
  RED_ARMBAND: { teams: '红袖标队伍', members: '红袖标队员' },
  MOTORCYCLE_VOLUNTEER: { teams: '摩托车志愿巡逻队', members: '摩托车志愿巡逻队员' },
  JOINT_PREVENTION: { teams: '联防队', members: '联防队员' },
  MILITIA: { teams: '民兵队伍', members: '民兵' },
  VOLUNTEER: { teams: '志愿者队伍', members: '志愿者' },
};
