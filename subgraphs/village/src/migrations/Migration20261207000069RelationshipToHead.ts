import { Migration } from '@mikro-orm/migrations';
import { personHistoryFunction } from './Migration20261201000023LifeCycle.ts';
import { STATUS_NOTE } from './Migration20261204000038Reinstate.ts';

/**
 * 与户主关系 (docs/ARCHITECTURE.md, "Relationship to the head"): each member's relationship to the head of their
 * household, as the household register (户口簿) records it, in the main groups of GB/T 4761 家庭关系代码.
 *
 * - A relationship is relative to a household's head, so it needs a household: a person without one (moved out,
 *   deregistered) has none, which the table itself holds.
 * - HEAD is exactly the household's head. When a household's head changes (updateHousehold, a households file, the
 *   first member joining a household without a head), a trigger in the same transaction makes the new head HEAD and
 *   clears the former head's relationship to null: it was relative to themselves, and a clerk enters what they are
 *   to the new head. The trigger runs as the caller, under row-level security, as the write that changed the head
 *   does: a household's members live on its grid, so a caller who may change the household sees them.
 * - Its changes go to the person's history (before and after) and to the change feed like the other registered facts.
 * - The heads of today's households are HEAD from the start; that is what their records already said (the
 *   household's head), so it is neither a change in their history nor in the change feed, and no version moves.
 */
export class Migration20261207000069RelationshipToHead extends Migration {
  override async up(): Promise<void> {
    const codes = ['HEAD', 'SPOUSE', 'SON', 'DAUGHTER', 'GRANDCHILD', 'PARENT', 'GRANDPARENT', 'SIBLING', 'CHILD_IN_LAW', 'OTHER_RELATIVE', 'NON_RELATIVE'];
    const sql = [
      `alter table person
         add column relationship_to_head text check (relationship_to_head in (${codes.map((c) => `'${c}'`).join(', ')})),
         add constraint person_relationship_household check (household_id is not null or relationship_to_head is null)`,
      `alter table person_history add column relationship_from text, add column relationship_to text`,
      personHistoryFunction('create or replace', STATUS_NOTE, true, true),
      `create function hub_household_head_relationship() returns trigger language plpgsql as $$
        begin
          update person set relationship_to_head = null, version = version + 1
           where id = old.head_id and household_id = new.id and relationship_to_head is not null;
          update person set relationship_to_head = 'HEAD', version = version + 1
           where id = new.head_id and relationship_to_head is distinct from 'HEAD';
          return null;
        end $$`,
      `create trigger household_head_relationship after update of head_id on household
         for each row when (old.head_id is distinct from new.head_id) execute function hub_household_head_relationship()`,
      `select set_config('hub.skip_changes', 'on', true)`,
      `update person p set relationship_to_head = 'HEAD' from household h where h.head_id = p.id and p.household_id = h.id`,
      `select set_config('hub.skip_changes', '', true)`,
    ];
    for (const s of sql) this.addSql(s);
  }
}
