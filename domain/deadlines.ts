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

const MASS: DeadlineDefault = { category: null, scale: 'MASS', contactMinutes: 30, settleHours: 48, replyHours: 24 };
const BY_CATEGORY: readonly DeadlineDefault[] = [
  { category: 'LAND_HOMESTEAD', scale: null, contactMinutes: 60, settleHours: 360, replyHours: 24 },
  { category: 'FOREST_GRASSLAND', scale: null, contactMinutes: 60, settleHours: 360, replyHours: 24 },
  { category: 'BOUNDARY', scale: null, contactMinutes: 60, settleHours: 360, replyHours: 24 },
  { category: 'LAND_REQUISITION', scale: null, contactMinutes: 60, settleHours: 240, replyHours: 24 },
];

/**
 * A mass dispute (群体性) of a category with a rule of its own: its parties
 * are contacted as fast as every other mass dispute's, and it settles in the
 * category's time (a survey takes what it takes). Without these rows the
 * category's rule won outright, and a mass land dispute waited an hour for
 * its first contact. Migration …39MassCategories derives them the same way
 * from the rows an operator may have edited.
 */
export function massOfCategory(category: DeadlineDefault, mass: DeadlineDefault): DeadlineDefault {
  return {
    category: category.category,
    scale: 'MASS',
    contactMinutes: Math.min(category.contactMinutes, mass.contactMinutes),
    settleHours: category.settleHours,
    replyHours: Math.min(category.replyHours, mass.replyHours),
  };
}

export const DEADLINE_DEFAULTS: readonly DeadlineDefault[] = [
  { category: null, scale: null, contactMinutes: 60, settleHours: 72, replyHours: 24 },
  MASS,
  ...BY_CATEGORY,
  ...BY_CATEGORY.map((c) => massOfCategory(c, MASS)),
];

/** The most specific default for a category and scale (category and scale, then category, then scale, then the rule itself). */
export function defaultDeadline(category: string, scale: string): DeadlineDefault {
  const score = (r: DeadlineDefault) => (r.category === category ? 2 : r.category ? -9 : 0) + (r.scale === scale ? 1 : r.scale ? -9 : 0);
  return [...DEADLINE_DEFAULTS].sort((a, b) => score(b) - score(a))[0]!;
}
