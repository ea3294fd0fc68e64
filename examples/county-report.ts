/**
 * The county report: every township of a county with population, forces,
 * dispute figures for a period (with the year before) and the assessment.
 *   HUB_TOKEN=... npx node examples/county-report.ts 623021 2026
 */
import { graphql } from './generated/gql.ts';
import { request, runAsScript } from './lib/client.ts';

export const CountyReport = graphql(`
  query CountyReport($code: String!, $period: String!) {
    county(code: $code) {
      name
      region {
        name
      }
    }
    townships(within: $code) {
      code
      name
      population {
        residents
        households
      }
      forces {
        grids
        householdCoverage
      }
      disputeStats(period: $period) {
        reported
        resolved
        resolutionRate
        overdue
        yearAgo {
          reported
        }
      }
      assessment(period: $period) {
        indicator
        target
        actual
        met
      }
    }
  }
`);

export async function main(url: string, token: string, code = '623021', period = '2026') {
  const data = await request(url, token, CountyReport, { code, period });
  return {
    county: `${data.county?.name} (${data.county?.region.name})`,
    rows: data.townships.map((t) => ({
      township: t.name,
      residents: t.population.residents,
      reported: t.disputeStats.reported,
      resolutionRate: Number((t.disputeStats.resolutionRate * 100).toFixed(1)),
      missed: t.assessment.filter((a) => !a.met).map((a) => a.indicator),
    })),
  };
}

runAsScript(import.meta.url, (url, token) => main(url, token, process.argv[2], process.argv[3]));
