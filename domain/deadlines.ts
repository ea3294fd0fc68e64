/**
 * The 131 rule as data: contact the parties within 1 hour, settle within 3
 * days, reply within 1 day after. Mass disputes are faster; land, forest and
 * boundary disputes need surveys and get longer to settle. These defaults
 * seed the `deadline_rule` table, which operators may edit.
 */
export interface DeadlineDefault {
  category: string | null;
  scale: string | null;
  contactMinutes: number;
  settleHours: number;
  replyHours: number;
}

export const DEADLINE_DEFAULTS: readonly DeadlineDefault[] = [
  { category: null, scale: null, contactMinutes: 60, settleHours: 72, replyHours: 24 },
  { category: null, scale: 'MASS', contactMinutes: 30, settleHours: 48, replyHours: 24 },
  { category: 'LAND_HOMESTEAD', scale: null, contactMinutes: 60, settleHours: 360, replyHours: 24 },
  { category: 'FOREST_GRASSLAND', scale: null, contactMinutes: 60, settleHours: 360, replyHours: 24 },
  { category: 'BOUNDARY', scale: null, contactMinutes: 60, settleHours: 360, replyHours: 24 },
  { category: 'LAND_REQUISITION', scale: null, contactMinutes: 60, settleHours: 240, replyHours: 24 },
];

/** The most specific default for a category and scale (category and scale, then category, then scale, then the rule itself). */
export function defaultDeadline(category: string, scale: string): DeadlineDefault {
  const score = (r: DeadlineDefault) => (r.category === category ? 2 : r.category ? -9 : 0) + (r.scale === scale ? 1 : r.scale ? -9 : 0);
  return [...DEADLINE_DEFAULTS].sort((a, b) => score(b) - score(a))[0]!;
}
