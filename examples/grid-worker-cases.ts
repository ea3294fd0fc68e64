/**
 * A grid worker's (网格员) own cases: the open disputes the worker reported, by form or file
 * (`reportedByMe`), what falls due next at the top (`orderBy: DUE_FIRST`), each status shown by the
 * Chinese name `/labels.json` gives, as the worker's app reads them.
 *   HUB_TOKEN=<the worker's token> node examples/grid-worker-cases.ts 623021200201
 */
import { graphql } from './generated/gql.ts';
import { request, runAsScript } from './lib/client.ts';

export const MyCases = graphql(`
  query MyCases($code: String!) {
    village(code: $code) {
      name
      mine: disputes(first: 20, orderBy: DUE_FIRST, filter: { reportedByMe: true, status: [REPORTED, ACCEPTED, ASSIGNED, MEDIATING, ESCALATED] }) {
        totalCount
        nodes {
          caseNumber
          status
          overdue
          summary
          deadlines {
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

export async function main(url: string, token: string, code = '623021200201') {
  const [data, names] = await Promise.all([request(url, token, MyCases, { code }), labels(url, token)]);
  const v = data.village;
  if (!v) throw new Error(`No village ${code}.`);
  const status = new Map(names.DisputeStatus!.map((l) => [l.value, l.zh]));
  return {
    village: v.name,
    open: v.mine.totalCount,
    settleBy: v.mine.nodes.map((c) => c.deadlines.settleBy),
    cases: v.mine.nodes.map((c) => `${c.caseNumber} ${status.get(c.status) ?? c.status}${c.overdue ? ' 超期' : ''}: ${c.summary}`),
  };
}

runAsScript(import.meta.url, (url, token) => main(url, token, process.argv[2]));
