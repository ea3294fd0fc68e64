/**
 * The township 综治中心's case desk: its inbox of open cases escalated from
 * villages, the earliest deadline first (`orderBy: DUE_FIRST`), with each
 * case's parties and dispatches, and the counts a desk shows on its tabs
 * (aliases of the same list with `first: 0`, which count without reading rows).
 *   HUB_TOKEN=... npx node examples/township-case-desk.ts 623021200
 */
import { graphql } from './generated/gql.ts';
import { request, runAsScript } from './lib/client.ts';

export const CaseDesk = graphql(`
  query CaseDesk($code: String!) {
    township(code: $code) {
      name
      all: disputes(first: 0) {
        totalCount
      }
      overdue: disputes(first: 0, filter: { status: [RECEIVED, ACCEPTED, ASSIGNED, MEDIATING], overdue: true }) {
        totalCount
      }
      open: disputes(first: 50, orderBy: DUE_FIRST, filter: { status: [RECEIVED, ACCEPTED, ASSIGNED, MEDIATING] }) {
        totalCount
        nodes {
          caseNumber
          status
          overdue
          underSupervision
          settleBy
          dispatches {
            departmentName
            status
          }
          dispute {
            category
            summary
            parties {
              name
              role
            }
            village {
              name
            }
            timeline {
              level
              action
              at
            }
          }
        }
      }
    }
  }
`);

export async function main(url: string, token: string, code = '623021200') {
  const data = await request(url, token, CaseDesk, { code });
  const t = data.township;
  if (!t) throw new Error(`No township ${code}.`);
  const cases = t.open.nodes;
  return {
    township: t.name,
    cases: t.all.totalCount,
    open: t.open.totalCount,
    overdue: t.overdue.totalCount,
    statuses: cases.map((c) => c.status),
    settleBy: cases.map((c) => c.settleBy),
    firstCases: cases.slice(0, 3).map((c) => `${c.caseNumber} ${c.status}${c.overdue ? ' 超期' : ''} ${c.dispute.village.name}: ${c.dispute.summary}`),
  };
}

runAsScript(import.meta.url, (url, token) => main(url, token, process.argv[2]));
