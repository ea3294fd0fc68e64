import type { Db } from '../../../../platform/sql.ts';
import { deadlineRules } from '../store/deadline-rule.ts';

/** The 131 deadlines for a category and scale: the most specific rule wins (category and scale, then category, then scale). */
export interface DeadlineRule {
  contactMinutes: number;
  settleHours: number;
  replyHours: number;
}

export async function deadlineRule(db: Db, category: string, scale: string): Promise<DeadlineRule> {
  return (await deadlineRules.mostSpecific(db, category, scale)) ?? { contactMinutes: 60, settleHours: 72, replyHours: 24 };
}

export const addMinutes = (at: Date, minutes: number) => new Date(at.getTime() + minutes * 60_000);
