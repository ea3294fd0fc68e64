import { requireDivisionAccess, requireRecordAccess, type Caller } from '../../../../platform/caller.ts';
import { parseDivisionCode } from '../../../../domain/codes.ts';
import { badInput } from '../../../../domain/errors.ts';
import { decodeCursor, encodeCursor } from '../../../../platform/pagination.ts';
import { CHANGE_KINDS, type ChangeQuery, type FeedPosition } from '../store/changes.ts';

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
  if (!cursor) return START;
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
  const kinds = args.kinds?.length ? [...new Set(args.kinds)] : null;
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
