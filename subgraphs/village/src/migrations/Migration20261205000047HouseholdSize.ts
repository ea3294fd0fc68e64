import { Migration } from '@mikro-orm/migrations';

/**
 * A household holds at most HOUSEHOLD_MAX residents whoever counts them
 * (docs/ARCHITECTURE.md, "The rules, once"). The check counted the members
 * the caller may read, so a grid's token could fill a household whose other
 * members live on another grid past the limit. This counts every member of
 * the given households (leaving out `leaving`, the residents the same write
 * moves), across jurisdictions; it reveals a count, never a record.
 */
export class Migration20261205000047HouseholdSize extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create function hub_household_members(households integer[], leaving integer[])
      returns table (household_id integer, members integer)
      language sql stable security definer set search_path = public as $$
        select p.household_id, count(*)::integer from person p
         where p.household_id = any(households) and p.id <> all(coalesce(leaving, '{}'))
         group by 1
      $$`);
  }
}
