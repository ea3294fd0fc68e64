import { requireDivisionAccess, requireRecordAccess } from '../../../../platform/caller.ts';
import { parseDivisionCode } from '../../../../domain/codes.ts';
import { badInput } from '../../../../platform/errors.ts';
import { decodeCursor, encodeCursor } from '../../../../platform/pagination.ts';
import { query } from '../../../../platform/sql.ts';
import type { EntityManager } from '@mikro-orm/postgresql';
import { visible } from '../access.ts';
import type { VillageContext } from '../context.ts';
import type { Resolvers } from '../generated/resolvers.ts';

/**
 * The change feed (migration …09Changes): one row per changed record, ordered
 * by the commit sequence of its transaction, then by its id in the log.
 */
export interface ChangeRow {
  id: string;
  seq: string;
  kind: string;
  op: string;
  recordId: string;
  version: number | null;
  statusFrom: string | null;
  statusTo: string | null;
  villageCode: string;
  gridCode: string;
  at: Date;
}

/** Each kind of the feed: the loader of its records and its member of the ChangedRecord union. */
const KINDS: Record<string, { loader: keyof VillageContext['loaders']; type: string }> = {
  RESIDENT: { loader: 'person', type: 'Person' },
  HOUSEHOLD: { loader: 'household', type: 'Household' },
  HOUSE: { loader: 'house', type: 'House' },
  ADDRESS: { loader: 'address', type: 'Address' },
  SITE: { loader: 'site', type: 'Site' },
  JOINT_DEFENSE_GROUP: { loader: 'group', type: 'JointDefenseGroup' },
  PATROL_TEAM: { loader: 'team', type: 'PatrolTeam' },
  PATROL: { loader: 'patrol', type: 'Patrol' },
  HAZARD: { loader: 'hazard', type: 'Hazard' },
  DISPUTE: { loader: 'dispute', type: 'Dispute' },
};
const CHANGE_KINDS = Object.keys(KINDS);
export const MAX_CHANGES = 1000;

/** A feed position: the commit sequence number and the log id within it. */
export interface FeedPosition {
  seq: bigint;
  id: bigint;
}

export const START: FeedPosition = { seq: 0n, id: 0n };

export function changeCursor(r: { seq: string; id: string }): string {
  return encodeCursor(`${r.seq}.${r.id}`);
}

export function parseChangeCursor(cursor: string | null | undefined): FeedPosition {
  if (!cursor) return START;
  const m = /^(\d{1,19})\.(\d{1,19})$/.exec(decodeCursor(cursor));
  if (!m) throw badInput(`after: "${cursor}" is not a cursor of the change feed.`, { argument: 'after' });
  return { seq: BigInt(m[1]!), id: BigInt(m[2]!) };
}

export interface ChangeQuery {
  after: FeedPosition;
  kinds?: readonly string[] | null;
  within?: string | null;
  limit: number;
}

/**
 * Committed changes after a position, in feed order. Row-level security
 * limits them to the session's jurisdiction. `seq >= ?` lets the planner walk
 * the commit-sequence index; the row comparison then skips what was seen.
 */
export function readChanges(em: EntityManager, q: ChangeQuery): Promise<ChangeRow[]> {
  const where = ['t.seq >= ?', '(t.seq, l.id) > (?, ?)'];
  const params: unknown[] = [String(q.after.seq), String(q.after.seq), String(q.after.id)];
  if (q.kinds?.length) {
    where.push('l.kind in (?)');
    params.push([...q.kinds]);
  }
  if (q.within) {
    where.push('l.grid_code like ?');
    params.push(`${q.within}%`);
  }
  return query<ChangeRow>(
    em,
    `select l.id::text as id, t.seq::text as seq, l.kind, l.op, l.record_id, l.version, l.status_from, l.status_to, l.village_code, l.grid_code, l.at
       from change_tx t join change_log l on l.txid = t.txid
      where ${where.join(' and ')}
      order by t.seq, l.id
      limit ?`,
    [...params, q.limit],
  );
}

/** Validates the feed arguments shared by GraphQL and the NDJSON route. */
export function changeQuery(
  caller: VillageContext['caller'],
  args: { after?: string | null; kinds?: readonly string[] | null; within?: string | null },
  limit: number,
): ChangeQuery {
  requireRecordAccess(caller, 'change-feed');
  const kinds = args.kinds?.length ? [...new Set(args.kinds)] : null;
  for (const k of kinds ?? []) {
    if (!KINDS[k]) throw badInput(`kinds: "${k}" is not one of ${CHANGE_KINDS.join(', ')}.`, { argument: 'kinds' });
  }
  const within = args.within ? parseDivisionCode(args.within, 'within') : null;
  if (within) requireDivisionAccess(caller, within);
  return { after: parseChangeCursor(args.after), kinds, within, limit };
}

export const changeResolvers: Resolvers = {
  Query: {
    changes: async (_, args, ctx) => {
      const first = args.first ?? 100;
      if (!Number.isInteger(first) || first < 0 || first > MAX_CHANGES) {
        throw badInput(`first must be an integer from 0 to ${MAX_CHANGES}; got ${first}.`, { argument: 'first' });
      }
      const q = changeQuery(ctx.caller, args, first + 1);
      const rows = first === 0 ? [] : await readChanges(ctx.em, q);
      const nodes = rows.slice(0, first);
      const edges = nodes.map((node) => ({ cursor: changeCursor(node), node }));
      return {
        edges,
        nodes,
        pageInfo: { hasNextPage: rows.length > first, endCursor: edges.length ? edges[edges.length - 1]!.cursor : (args.after ?? null) },
      };
    },
  },
  Change: {
    cursor: (c) => changeCursor(c),
    recordId: (c) => c.recordId,
    village: async (c, _, ctx) => (await ctx.loaders.village.load(c.villageCode))!,
    grid: async (c, _, ctx) => (await ctx.loaders.grid.load(c.gridCode))!,
    record: async (c, _, ctx) => {
      if (c.op === 'DELETED') return null;
      const kind = KINDS[c.kind]!;
      const row = visible(ctx.caller, await (ctx.loaders[kind.loader] as any).load(c.recordId)) as object | null;
      // Rows carry no type name; the union member follows from the change's kind.
      return row && ({ ...row, __typename: kind.type } as any);
    },
  },
  ChangedRecord: {
    __resolveType: (row: any) => row.__typename,
  },
};
