import { pageInfoOf, pageSize } from '../../../../../platform/pagination.ts';
import { changeCursor, changeQuery, changesAfter, MAX_CHANGES, positionCursor } from '../../changes/query.ts';
import { requireDivisionHeld } from '../../directory.ts';
import type { QueryResolvers } from '../../generated/resolvers.ts';
import { changeLog } from '../../store/changes.ts';

export const changeQueries: Pick<QueryResolvers, 'changes'> = {
  changes: async (_, args, ctx) => {
    const first = pageSize(args.first ?? 100, MAX_CHANGES);
    const q = changeQuery(ctx.caller, args, first + 1);
    if (q.within) await requireDivisionHeld(ctx.em, q.within);
    // No cursor and no change asked for: where the feed stands now, to follow it from (nothing before it comes).
    if (first === 0 && args.after == null) {
      const now = await changeLog.position(ctx.em);
      return { edges: [], nodes: [], pageInfo: pageInfoOf([], { hasNextPage: false, hasPreviousPage: false, endCursor: now && positionCursor(now) }) };
    }
    // first: 0 still reads one row, so hasNextPage says whether there are changes after the cursor.
    const { rows, end } = await changesAfter(ctx.em, q);
    const nodes = rows.slice(0, first);
    const edges = nodes.map((node) => ({ cursor: changeCursor(node), node }));
    const hasNextPage = rows.length > first;
    // More waiting: go on from the last change returned (or the cursor sent). Otherwise the read examined every change
    // up to `end`, those the filters left out too: going on from there, the next read does not scan them again.
    const endCursor = hasNextPage
      ? edges.length
        ? edges[edges.length - 1]!.cursor
        : (args.after ?? null)
      : end === q.after
        ? (args.after ?? null)
        : positionCursor(end);
    return { edges, nodes, pageInfo: pageInfoOf(edges, { hasNextPage, hasPreviousPage: args.after != null, endCursor }) };
  },
};
