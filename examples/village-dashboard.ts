/**
 * The grid worker's village dashboard: one village's grids, figures, open
 * disputes and this month's patrols, in one request.
 *   HUB_TOKEN=... npx node examples/village-dashboard.ts 623021200201
 */
import { graphql } from './generated/gql.ts';
import { request, runAsScript } from './lib/client.ts';

export const VillageDashboard = graphql(`
  query VillageDashboard($code: String!, $from: Date!, $to: Date!) {
    village(code: $code) {
      name
      township {
        name
      }
      grids {
        code
        name
        fullyStaffed
      }
      population {
        residents
        households
        floating
      }
      forces {
        grids
        gridWorkers
        jointDefenseGroups
        householdCoverage
        patrolTeams
      }
      disputes(filter: { status: [REPORTED, ACCEPTED, ASSIGNED, MEDIATING, ESCALATED] }, first: 20) {
        totalCount
        nodes {
          caseNumber
          status
          handlingLevel
          overdue
        }
      }
      patrols(from: $from, to: $to) {
        totalCount
      }
    }
  }
`);

export async function main(url: string, token: string, code = '623021200201') {
  const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  const data = await request(url, token, VillageDashboard, { code, from: `${today.slice(0, 8)}01`, to: today });
  const v = data.village;
  if (!v) throw new Error(`No village ${code}.`);
  return {
    title: `${v.name} (${v.township?.name ?? '?'})`,
    residents: v.population.residents,
    grids: v.grids.length,
    coverage: Math.round(v.forces.householdCoverage * 100),
    openDisputes: v.disputes.totalCount,
    overdue: v.disputes.nodes.filter((d) => d.overdue).length,
    patrolsThisMonth: v.patrols.totalCount,
  };
}

runAsScript(import.meta.url, (url, token) => main(url, token, process.argv[2]));
