import { z } from 'zod';
import { col, row, sql, type Db } from '../../../../platform/sql.ts';

/** The 131 deadlines per category and scale (table `deadline_rule`; rules are data, migration …04Disputes). */
const DeadlineRule = z.object({ contactMinutes: col.num, settleHours: col.num, replyHours: col.num });
export type DeadlineRuleRow = z.infer<typeof DeadlineRule>;

const mostSpecific = sql(
  'deadlineRule.mostSpecific',
  DeadlineRule,
  `select contact_minutes, settle_hours, reply_hours from deadline_rule
    where (category = ? or category is null) and (scale = ? or scale is null)
    order by (category is not null) desc, (scale is not null) desc limit 1`,
);

export const deadlineRules = {
  /** The most specific rule for the category and scale (category and scale, then category, then scale), if any. */
  mostSpecific: (db: Db, category: string, scale: string): Promise<DeadlineRuleRow | null> => row(db, mostSpecific, [category, scale]),
};
