import { requireDivisionAccess, requireRecordAccess, type Caller } from '../../../../platform/caller.ts';
import { parseDivisionCode } from '../../../../domain/codes.ts';
import { badInput } from '../../../../domain/errors.ts';
import { decodeCursor, encodeCursor } from '../../../../platform/pagination.ts';
import type { Db } from '../../../../platform/sql.ts';
import { kindsGiven } from '../../../../platform/validate.ts';
import { CHANGE_KINDS, changeLog, type ChangeQuery, type ChangeRow, type FeedPosition } from '../store/changes.ts';

/** The change feed's arguments and cursors, shared by GraphQL (Query.changes) and the NDJSON route. */
export const MAX_CHANGES = 1000;

export const START: FeedPosition = { seq: 0n, id: 0n };

export function changeCursor(r: { seq: string; id: string }): string {
  return encodeCursor('changes', `${r.seq}.${r.id}`);
}

// At most 18 digits: every such number fits PostgreSQL's bigint (19 digits may not).
const POSITION = /^(\d{1,18})\.(\d{1,18})$/;
/** Integrations keep the feed's cursor between pulls, so one written before cursors named their list still reads. */
const UNNAMED = 'k';

export function parseChangeCursor(cursor: string | null | undefined): FeedPosition {
  if (cursor == null) return START;
  // An empty cursor is refused, not read as the start: a stored cursor blanked by mistake would replay the whole feed.
  if (cursor === '') {
    throw badInput(
      {
        zh: 'after 为空：从头读取请不传 after（或传 null），继续读取请传上次的 endCursor。',
        en: 'after is empty: leave it out (or null) to read from the start, or pass the last endCursor to go on.',
      },
      { argument: 'after' },
    );
  }
  const unnamed = Buffer.from(cursor, 'base64url').toString('utf8').startsWith(`${UNNAMED}:`);
  const m = POSITION.exec(decodeCursor(cursor, unnamed ? UNNAMED : 'changes', POSITION))!;
  return { seq: BigInt(m[1]!), id: BigInt(m[2]!) };
}

const isKind = (k: string): boolean => (CHANGE_KINDS as readonly string[]).includes(k);

/** Validates the feed arguments shared by GraphQL and the NDJSON route. */
export function changeQuery(
  caller: Caller,
  args: { after?: string | null; kinds?: readonly string[] | null; within?: string | null },
  limit: number,
): ChangeQuery {
  requireRecordAccess(caller, 'change-feed');
  kindsGiven(args.kinds);
  const kinds = args.kinds ? [...new Set(args.kinds)] : null;
  for (const k of kinds ?? []) {
    if (!isKind(k)) {
      throw badInput(
        { zh: `kinds：“${k}”不在 ${CHANGE_KINDS.join(', ')} 之中。`, en: `kinds: "${k}" is not one of ${CHANGE_KINDS.join(', ')}.` },
        { argument: 'kinds' },
      );
    }
  }
  // An empty within is refused, as every list's is: a client that built it from an empty variable meant some division.
  const within = args.within != null ? parseDivisionCode(args.within, 'within') : null;
  if (within) requireDivisionAccess(caller, within);
  return { after: parseChangeCursor(args.after), kinds, within, limit };
}

/**
 * The changes after the query's position, which must name an entry of the
 * feed, as every cursor the feed writes does. Any other is refused rather
 * than read from: a cursor of another deployment, or one kept from before a
 * database restore, would skip (or replay) changes without a sign.
 */
export async function changesAfter(db: Db, q: ChangeQuery): Promise<ChangeRow[]> {
  if (q.after.seq > 0n && !(await changeLog.holds(db, q.after))) {
    throw badInput(
      {
        zh: 'after 不是本系统变更流写出的游标（可能来自另一套部署，或数据库恢复之前）；请先导出数据，再从头读取变更流。',
        en: 'after is not a cursor this change feed wrote (another deployment, or from before a database restore); take an export, then read the feed from the start.',
      },
      { argument: 'after' },
    );
  }
  return changeLog.after(db, q);
}
