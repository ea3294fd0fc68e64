import { Migration } from '@mikro-orm/migrations';

/**
 * A mass dispute of a category with a rule of its own (land, forest and
 * grassland, boundary, requisition) is contacted as fast as every other mass dispute
 * and settles in its category's time (`massOfCategory`, domain/deadlines.ts):
 * the category's rule used to win outright. The rows are derived from the
 * table as it stands, so an operator's edits carry over; a row an operator
 * already added for the pair stays.
 */
export class Migration20261204000039MassCategories extends Migration {
  override async up(): Promise<void> {
    this.addSql(`insert into deadline_rule (category, scale, contact_minutes, settle_hours, reply_hours)
      select c.category, 'MASS', least(c.contact_minutes, m.contact_minutes), c.settle_hours, least(c.reply_hours, m.reply_hours)
        from deadline_rule c cross join deadline_rule m
       where c.category is not null and c.scale is null and m.category is null and m.scale = 'MASS'
      on conflict do nothing`);
  }
}
