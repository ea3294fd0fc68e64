/**
 * A grid worker's (网格员) own cases: the open disputes the worker reported on the grid, by form or file
 * (`reportedByMe`), what falls due next at the top (`orderBy: DUE_FIRST`: the contact deadline before a case is
 * accepted, then the settle deadline), each status shown by the Chinese name `/labels.json` gives, as the worker's
 * app reads them. A grid worker's token holds the grid, so the list is the grid's (`grid(code:)`), not the village's.
 *   HUB_TOKEN=<the worker's token> npx node examples/grid-worker-cases.ts 623021200201001
 */
import { graphql } from './generated/gql.ts';
import { request, runAsScript } from './lib/client.ts';

export const MyCases = graphql(`
  query MyCases($code: String!) {
    grid(code: $code) {
      name
      village {
        name
      }
      mine: disputes(first: 20, orderBy: DUE_FIRST, filter: { reportedByMe: true, status: [REPORTED, ACCEPTED, ASSIGNED, MEDIATING, ESCALATED] }) {
        totalCount
        nodes {
          caseNumber
          status
          overdue
          summary
          deadlines {
            contactBy
            settleBy
          }
        }
      }
    }
  }
`);

/** The Chinese name of each value of each enum (GET /labels.json, beside /graphql). */
async function labels(url: string, token: string): Promise<Record<string, { value: string; zh: string }[]>> {
  const res = await fetch(new URL('/labels.json', url), { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`GET /labels.json: HTTP ${res.status}`);
  return (await res.json()) as Record<string, { value: string; zh: string }[]>;
}

export async function main(url: string, token: string, code = '623021200201001') {
  const [data, names] = await Promise.all([request(url, token, MyCases, { code }), labels(url, token)]);
  const g = data.grid;
  if (!g) throw new Error(`No grid ${code}.`);
  const status = new Map(names.DisputeStatus!.map((l) => [l.value, l.zh]));
  // What the worker must do next by when: contact the parties until the case is accepted, then settle it.
  const due = (c: (typeof g.mine.nodes)[number]) => (c.status === 'REPORTED' ? c.deadlines.contactBy : c.deadlines.settleBy);
  return {
    grid: `${g.name} (${g.village.name})`,
    open: g.mine.totalCount,
    dueBy: g.mine.nodes.map(due),
    cases: g.mine.nodes.map((c) => `${c.caseNumber} ${status.get(c.status) ?? c.status}${c.overdue ? ' 超期' : ''}: ${c.summary}`),
  };
}

runAsScript(import.meta.url, (url, token) => main(url, token, process.argv[2]));
