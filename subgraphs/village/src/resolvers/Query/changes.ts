import { pageSize } from '../../../../../platform/pagination.ts';
import { changeCursor, changeQuery, changesAfter, MAX_CHANGES } from '../../changes/query.ts';
import { requireDivisionHeld } from '../../directory.ts';
import type { QueryResolvers } from '../../generated/resolvers.ts';

export const changeQueries: Pick<QueryResolvers, 'changes'> = {
  changes: async (_, args, ctx) => {
    const first = pageSize(args.first ?? 100, MAX_CHANGES);
    const q = changeQuery(ctx.caller, args, first + 1);
    if (q.within) await requireDivisionHeld(ctx.em, q.within);
    // first: 0 still reads one row, so hasNextPage says whether there are changes after the cursor.
    const rows = await changesAfter(ctx.em, q);
    const nodes = rows.slice(0, first);
    const edges = nodes.map((node) => ({ cursor: changeCursor(node), node }));
    return {
      edges,
      nodes,
      pageInfo: { hasNextPage: rows.length > first, endCursor: edges.length ? edges[edges.length - 1]!.cursor : (args.after ?? null) },
    };
  },
};
