/**
 * npm run schema:check — lists breaking (and dangerous) changes of the
 * composed schema against the last released one and checks composition with
 * a second composer; exits 1 on a breaking change or a composition error.
 * npm run schema:check -- --release — records the current schema as released.
 */
import { writeFileSync } from 'node:fs';
import { composeSupergraph } from '../gateway/src/compose.ts';
import { compareWithReleased, composeWithGuild, RELEASED_PATH } from '../gateway/src/schema-check.ts';

const current = composeSupergraph();
if (process.argv.includes('--release')) {
  writeFileSync(RELEASED_PATH, current);
  console.log('Recorded the current supergraph as the released schema.');
  process.exit(0);
}
const report = compareWithReleased(current);
const guild = composeWithGuild();
for (const c of report.breaking) console.log(`BREAKING  ${c.type}: ${c.description}`);
for (const c of report.dangerous) console.log(`dangerous ${c.type}: ${c.description}`);
for (const e of guild) console.log(`COMPOSITION (@theguild/federation-composition): ${e}`);
console.log(
  `${report.breaking.length} breaking, ${report.dangerous.length} dangerous change(s) against schema/released/supergraph.graphql; ` +
    `second composer: ${guild.length ? `${guild.length} error(s)` : 'composes'}.`,
);
process.exit(report.breaking.length || guild.length ? 1 : 0);
