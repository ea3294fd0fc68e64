import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { composeSupergraph } from '../gateway/src/compose.ts';
import { compareWithReleased, composeWithGuild } from '../gateway/src/schema-check.ts';

describe('schema checks for integrators', () => {
  it('finds no breaking change against the released schema (run `npm run schema:check`)', () => {
    expect(compareWithReleased().breaking).toEqual([]);
  });

  it('lists a removed field and a narrowed argument as breaking', () => {
    const village = readFileSync('schema/village.graphql', 'utf8');
    const changed = village
      .replace('  "社区 or 村, from the code segment."\n  kind: VillageKind!\n', '')
      .replace(
        'grids(within: String!, first: Int = 50, after: String): GridConnection!',
        'grids(within: String!, first: Int!, after: String): GridConnection!',
      );
    expect(changed).not.toBe(village);
    const report = compareWithReleased(composeSupergraph({ village: changed }));
    const text = report.breaking.map((c) => c.description).join('\n');
    expect(text).toContain('Village.kind was removed');
    expect(report.breaking.some((c) => c.type === 'REQUIRED_ARG_ADDED' || c.description.includes('first'))).toBe(true);
  });

  it('composes with a second, independent composer (@theguild/federation-composition)', () => {
    expect(composeWithGuild()).toEqual([]);
  });
});
