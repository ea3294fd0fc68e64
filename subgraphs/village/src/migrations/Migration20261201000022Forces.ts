import { Migration } from '@mikro-orm/migrations';
import { appendOnly, jurisdictionPolicy } from '../../../../platform/rls.ts';

/**
 * Maintaining the forces (docs/ARCHITECTURE.md, "Maintaining the forces"):
 * grid staff (1+3+N), mediation committees and mediators are written by
 * mutations and imports, so they get what the other registry tables have:
 *
 * - `version` for optimistic concurrency, and `external_id`, the source
 *   system's key a file import matches (unique within the village; a
 *   mediator's within its committee).
 * - The domain's one-per rules as constraints under the checks in code: one
 *   grid worker (专职网格员) per grid, one village or community committee per
 *   village (人民调解法 §8: the villagers' or residents' committee sets up
 *   its people's mediation committee), a resident once per committee.
 * - History: an ended assignment, mediator or committee leaves its table (so
 *   lists, roll-ups and statistics count only serving ones, unchanged) for an
 *   append-only `…_ended` table that keeps it with when, by whom and why.
 */
export class Migration20261201000022Forces extends Migration {
  override async up(): Promise<void> {
    const external = `external_id text check (length(external_id) between 1 and 64)`;
    const ended = `ended_at timestamptz not null default now(), ended_by text not null, end_reason text`;
    const sql = [
      `alter table grid_staff add column version integer not null default 1, add column ${external}`,
      `alter table grid_staff add constraint grid_staff_external unique (village_code, external_id)`,
      `create unique index grid_staff_one_worker on grid_staff (grid_code) where role = 'GRID_WORKER'`,
      `alter table mediation_committee add column version integer not null default 1, add column ${external}`,
      `alter table mediation_committee add constraint mediation_committee_external unique (village_code, external_id)`,
      `create unique index mediation_committee_own on mediation_committee (village_code) where kind in ('VILLAGE', 'COMMUNITY')`,
      `alter table mediator add column version integer not null default 1, add column ${external}`,
      `alter table mediator add constraint mediator_external unique (committee_id, external_id)`,
      `create unique index mediator_person_once on mediator (committee_id, person_id) where person_id is not null`,
      `create index mediator_village on mediator (village_code)`,
      `create table grid_staff_ended (
        id integer primary key,
        role text not null,
        name text not null,
        phone text,
        person_id integer,
        village_code text not null,
        grid_code text not null,
        county_code text not null,
        version integer not null,
        external_id text,
        ${ended}
      )`,
      `create index grid_staff_ended_grid on grid_staff_ended (grid_code, id)`,
      ...jurisdictionPolicy('grid_staff_ended', 'grid_code'),
      ...appendOnly('grid_staff_ended'),
      `create table mediation_committee_ended (
        id integer primary key,
        name text not null,
        kind text not null,
        village_code text not null,
        county_code text not null,
        version integer not null,
        external_id text,
        ${ended}
      )`,
      `create index mediation_committee_ended_village on mediation_committee_ended (village_code, id)`,
      ...jurisdictionPolicy('mediation_committee_ended', 'village_code'),
      ...appendOnly('mediation_committee_ended'),
      `create table mediator_ended (
        id integer primary key,
        committee_id integer not null,
        name text not null,
        full_time boolean not null,
        phone text,
        person_id integer,
        village_code text not null,
        version integer not null,
        external_id text,
        ${ended}
      )`,
      `create index mediator_ended_committee on mediator_ended (committee_id, id)`,
      ...jurisdictionPolicy('mediator_ended', 'village_code'),
      ...appendOnly('mediator_ended'),
    ];
    for (const s of sql) this.addSql(s);
  }
}
