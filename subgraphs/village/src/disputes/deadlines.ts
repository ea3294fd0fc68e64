import type { DeadlineRule } from '../../../../domain/case-engine.ts';
import type { Db } from '../../../../platform/sql.ts';
import { deadlineRules } from '../store/deadline-rule.ts';

/** The 131 deadlines for a category and scale: the most specific rule wins (category and scale, then category, then scale). */
export async function deadlineRule(db: Db, category: string, scale: string): Promise<DeadlineRule> {
  return (await deadlineRules.mostSpecific(db, category, scale)) ?? { contactMinutes: 60, settleHours: 72, replyHours: 24 };
}
