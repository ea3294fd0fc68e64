/**
 * The township 综治中心's case desk: its inbox of cases escalated from
 * villages, overdue ones first, with each case's parties and dispatches.
 *   HUB_TOKEN=... node examples/township-case-desk.ts 623021200
 */
import { graphql } from './generated/gql.ts';
import { request, runAsScript } from './lib/client.ts';

export const CaseDesk = graphql(`
  query CaseDesk($code: String!) {
    township(code: $code) {
      name
      disputes(first: 50) {
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
  const cases = [...t.disputes.nodes].sort((a, b) => Number(b.overdue) - Number(a.overdue));
  return {
    township: t.name,
    inbox: t.disputes.totalCount,
    overdue: cases.filter((c) => c.overdue).length,
    firstCases: cases.slice(0, 3).map((c) => `${c.caseNumber} ${c.status}${c.overdue ? ' 超期' : ''} ${c.dispute.village.name}: ${c.dispute.summary}`),
  };
}

runAsScript(import.meta.url, (url, token) => main(url, token, process.argv[2]));
