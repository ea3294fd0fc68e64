import { Migration } from '@mikro-orm/migrations';
import { RATING_ZH } from '../../../../domain/labels.ts';

/**
 * The parties' rating on the timeline step that recorded it (`dispute_step.rating`): a rating given with a note
 * (当事人接受引导诉讼) kept only the note, so the timeline could not say whether the parties were satisfied; a rating
 * without one kept its label (满意) as the note. Steps recorded before are filled where the rating can be told: a
 * village REOPEN is a 不满意 rating, a note that is a rating's label names it, and the case's latest rating step
 * carries the rating the record keeps. An earlier rating given with a note stays without one. The timeline is
 * append-only, so its guard is lifted for that one update.
 */
export class Migration20261207000065StepRatings extends Migration {
  override async up(): Promise<void> {
    const ratings = Object.keys(RATING_ZH)
      .map((r) => `'${r}'`)
      .join(', ');
    this.addSql(
      `alter table dispute_step add column rating text check (rating is null or (level = 'VILLAGE' and action in ('RATE', 'REOPEN') and rating in (${ratings})))`,
    );
    const labels = Object.entries(RATING_ZH)
      .map(([r, zh]) => `('${r}', '${zh}')`)
      .join(', ');
    this.addSql(`alter table dispute_step disable trigger dispute_step_append_only`);
    this.addSql(`update dispute_step set rating = 'DISSATISFIED' where level = 'VILLAGE' and action = 'REOPEN'`);
    this.addSql(
      `update dispute_step s set rating = l.rating from (values ${labels}) l(rating, zh)
        where s.level = 'VILLAGE' and s.action = 'RATE' and s.note = l.zh`,
    );
    this.addSql(
      `update dispute_step s set rating = d.rating
         from dispute d
        where d.id = s.dispute_id and d.rating is not null and s.rating is null and s.level = 'VILLAGE' and s.action = 'RATE'
          and s.seq = (select max(t.seq) from dispute_step t where t.dispute_id = s.dispute_id and t.level = 'VILLAGE' and t.action in ('RATE', 'REOPEN'))`,
    );
    this.addSql(`alter table dispute_step enable trigger dispute_step_append_only`);
  }
}
