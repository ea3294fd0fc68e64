/**
 * The village record's statuses by what they mean for the case (the case engine's, domain/case-engine.ts), in a
 * module of their own that imports nothing, so the analysis room's page (app/) reads the same lists.
 */

/** The village record's statuses in which it is done: no deadline runs, no step of the village is open. */
export const VILLAGE_CLOSED = ['RESOLVED', 'RATED', 'CLOSED', 'FOLLOWED_UP', 'DECLINED'] as const;
/** Statuses of the village record that count as resolved in statistics. */
export const RESOLVED_STATUSES = ['RESOLVED', 'RATED', 'CLOSED', 'FOLLOWED_UP'] as const;
/** Statuses of the village record that count as open. */
export const OPEN_STATUSES = ['REPORTED', 'ACCEPTED', 'ASSIGNED', 'MEDIATING', 'ESCALATED'] as const;
/**
 * The village record's statuses in which the case is still being handled at the village (在办, `DisputeFilter.open`):
 * before a resolution (受理, 分流, 调解), and resolved until it is closed (the parties' rating, 办结), all of them steps
 * the village takes. ESCALATED is handled above; CLOSED, FOLLOWED_UP and DECLINED are done.
 */
export const VILLAGE_OPEN = ['REPORTED', 'ACCEPTED', 'ASSIGNED', 'MEDIATING', 'RESOLVED', 'RATED'] as const;
