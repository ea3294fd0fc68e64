import { requireDivisionAccess, requireRecordAccess, type Caller } from '../../../../platform/caller.ts';
import { parseDivisionCode } from '../../../../domain/codes.ts';
import { badInput } from '../../../../domain/errors.ts';
import { decodeCursor, encodeCursor } from '../../../../platform/pagination.ts';
import type { Db } from '../../../../platform/sql.ts';
import { listGiven } from '../../../../platform/validate.ts';
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
  listGiven(args.kinds, 'kinds');
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

/** A position as a cursor; null for the start (an empty feed), which a reader asks for by leaving `after` out. */
export function positionCursor(p: FeedPosition): string | null {
  return p.seq > 0n ? changeCursor({ seq: String(p.seq), id: String(p.id) }) : null;
}

const later = (a: FeedPosition, b: FeedPosition): FeedPosition => (b.seq > a.seq || (b.seq === a.seq && b.id > a.id) ? b : a);

/**
 * One read of the feed: the changes after the query's position, up to `end`,
 * where the feed stood when the read began (or the query's position, when
 * the feed has not moved past it). A read that returns fewer changes than it
 * asked for has examined every change up to `end`, those the filters and the
 * jurisdiction left out too, so its reader goes on from `end` and does not
 * scan that stretch again.
 */
export interface FeedRead {
  rows: ChangeRow[];
  end: FeedPosition;
}

/**
 * The changes after the query's position, which must name an entry of the
 * feed, as every cursor the feed writes does. Any other is refused rather
 * than read from: a cursor of another deployment, or one kept from before a
 * database restore, would skip (or replay) changes without a sign. The
 * feed's position is taken before the changes are read, in a snapshot no
 * later than theirs: every change up to it is then visible to the read, and a
 * change committed later takes a place after it (docs/ARCHITECTURE.md,
 * "Events", the change feed).
 */
export async function changesAfter(db: Db, q: ChangeQuery): Promise<FeedRead> {
  if (q.after.seq > 0n && !(await changeLog.holds(db, q.after))) {
    throw badInput(
      {
        zh: 'after 不是本系统变更流写出的游标（可能来自另一套部署，或数据库恢复之前）；请先导出数据，再从头读取变更流。',
        en: 'after is not a cursor this change feed wrote (another deployment, or from before a database restore); take an export, then read the feed from the start.',
      },
      { argument: 'after' },
    );
  }
  const end = later(q.after, (await changeLog.position(db)) ?? START);
  if (end === q.after) return { rows: [], end };
  return { rows: await changeLog.after(db, q, end), end };
}
