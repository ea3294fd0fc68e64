import { Migration } from '@mikro-orm/migrations';
import { personHistoryFunction } from './Migration20261201000023LifeCycle.ts';
import { STATUS_NOTE } from './Migration20261204000038Reinstate.ts';

/**
 * A person's history keeps corrections too (docs/ARCHITECTURE.md, "Life
 * cycle and history"): the name (曾用名), 民族 and residency before and after,
 * and the ID number, phone, gender and birth date by name only, so a clerk
 * sees who corrected a name and when. Entries written before this migration
 * have these columns null. The note of a status change stays as migration
 * …38Reinstate made it.
 */
export class Migration20261205000049PersonFacts extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table person_history
      add column name_from text, add column name_to text,
      add column ethnicity_from text, add column ethnicity_to text,
      add column residency_from text, add column residency_to text`);
    this.addSql(personHistoryFunction('create or replace', STATUS_NOTE, true));
  }
}
