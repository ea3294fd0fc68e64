import { Migration } from '@mikro-orm/migrations';
import { appendOnly, jurisdictionPolicy } from '../../../../platform/rls.ts';

/**
 * 作废: a patrol entered by mistake (the wrong team, day or people) leaves `patrol`, with the hazards it reported,
 * so the lists and its day's figures lose it through the tables' own triggers (roll-ups, the change feed's
 * DELETED). It is kept whole in the append-only `patrol_voided` with its hazards, when, by whom and why
 * (docs/ARCHITECTURE.md, "Maintaining the forces").
 */
export class Migration20261206000059PatrolVoid extends Migration {
  override async up(): Promise<void> {
    const sql = [
      `create table patrol_voided (
        id integer primary key,
        team_id integer not null,
        started_at timestamptz not null,
        ended_at timestamptz not null,
        route text,
        participant_ids integer[] not null,
        village_code text not null,
        grid_code text not null,
        county_code text not null,
        hazards jsonb not null default '[]',
        voided_at timestamptz not null default now(),
        voided_by text not null,
        voided_by_name text,
        reason text not null
      )`,
      `create index patrol_voided_grid on patrol_voided (grid_code, id)`,
      ...jurisdictionPolicy('patrol_voided', 'grid_code'),
      ...appendOnly('patrol_voided'),
    ];
    for (const s of sql) this.addSql(s);
  }
}
