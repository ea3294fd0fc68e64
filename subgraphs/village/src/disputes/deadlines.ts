import type { EntityManager } from '@mikro-orm/postgresql';
import { queryOne } from '../../../../platform/sql.ts';

/** The 131 deadlines for a category and scale: the most specific rule wins (category and scale, then category, then scale). */
export interface DeadlineRule {
  contactMinutes: number;
  settleHours: number;
  replyHours: number;
}

export async function deadlineRule(em: EntityManager, category: string, scale: string): Promise<DeadlineRule> {
  const rule = await queryOne<DeadlineRule>(
    em,
    `select contact_minutes, settle_hours, reply_hours from deadline_rule
      where (category = ? or category is null) and (scale = ? or scale is null)
      order by (category is not null) desc, (scale is not null) desc limit 1`,
    [category, scale],
  );
  return rule ?? { contactMinutes: 60, settleHours: 72, replyHours: 24 };
}

export const addMinutes = (at: Date, minutes: number) => new Date(at.getTime() + minutes * 60_000);
