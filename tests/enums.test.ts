/**
 * Enums the subgraphs share must agree value for value (the gateway composes
 * them into one type), and the village schema's PersonTag must hold exactly
 * the tags the code knows (domain/tags.ts). Reads the schema files only.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kind, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { TAGS } from '../domain/tags.ts';
import { PATROL_KINDS } from '../domain/patrol-kinds.ts';
import { HAZARD_ACTIONS, HAZARD_NEXT, HAZARD_SOURCES, HAZARD_STATUSES, HAZARD_STEPS } from '../domain/hazards.ts';
import { HAZARD_ACTION, HAZARD_KIND, HAZARD_SOURCE, HAZARD_STATUS, RATING, SOURCE } from '../app/src/labels.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SUBGRAPHS = ['village', 'township', 'county'] as const;
type Subgraph = (typeof SUBGRAPHS)[number];

/** Every enum of one schema file with its values in order (`extend enum` adds to them). */
function enumsOf(subgraph: Subgraph): Map<string, string[]> {
  const doc = parse(readFileSync(join(ROOT, 'schema', `${subgraph}.graphql`), 'utf8'));
  const enums = new Map<string, string[]>();
  for (const def of doc.definitions) {
    if (def.kind !== Kind.ENUM_TYPE_DEFINITION && def.kind !== Kind.ENUM_TYPE_EXTENSION) continue;
    const values = enums.get(def.name.value) ?? [];
    values.push(...(def.values ?? []).map((v) => v.name.value));
    enums.set(def.name.value, values);
  }
  return enums;
}

const ENUMS = new Map(SUBGRAPHS.map((s) => [s, enumsOf(s)] as const));

/** What `actual` lacks and adds against `expected`, e.g. "lacks [A], has extra [B]". */
function difference(expected: readonly string[], actual: readonly string[]): string {
  const missing = expected.filter((v) => !actual.includes(v));
  const extra = actual.filter((v) => !expected.includes(v));
  return [missing.length ? `lacks [${missing.join(', ')}]` : '', extra.length ? `has extra [${extra.join(', ')}]` : ''].filter(Boolean).join(', ');
}

describe('enums', () => {
  it('the schema files declare enums', () => {
    for (const s of SUBGRAPHS) expect(ENUMS.get(s)!.size, s).toBeGreaterThan(0);
  });

  it('an enum declared by more than one subgraph has the same values in the same order in each', () => {
    const names = new Set(SUBGRAPHS.flatMap((s) => [...ENUMS.get(s)!.keys()]));
    const problems: string[] = [];
    let shared = 0;
    for (const name of [...names].sort()) {
      const declaring = SUBGRAPHS.filter((s) => ENUMS.get(s)!.has(name));
      if (declaring.length < 2) continue;
      shared++;
      const [first, ...others] = declaring;
      const expected = ENUMS.get(first!)!.get(name)!;
      for (const other of others) {
        const actual = ENUMS.get(other)!.get(name)!;
        const diff = difference(expected, actual);
        if (diff) problems.push(`${name}: ${other} ${diff} (against ${first})`);
        else if (actual.join() !== expected.join()) problems.push(`${name}: ${other} lists the values in another order than ${first}`);
      }
    }
    expect(problems).toEqual([]);
    expect(shared).toBeGreaterThan(0);
  });

  it('the analysis room names every DisputeSource and CitizenRating a step’s note may carry (app/src/labels.ts)', () => {
    expect(difference(ENUMS.get('village')!.get('DisputeSource')!, Object.keys(SOURCE))).toBe('');
    expect(difference(ENUMS.get('village')!.get('CitizenRating')!, Object.keys(RATING))).toBe('');
  });

  it('PersonTag of the village schema holds exactly domain/tags.ts TAGS', () => {
    const personTag = ENUMS.get('village')!.get('PersonTag');
    expect(personTag).toBeDefined();
    expect(difference(TAGS, personTag!), 'PersonTag against TAGS').toBe('');
    expect(personTag).toHaveLength(TAGS.length);
  });

  it('PatrolTeamKind of the village schema is domain/patrol-kinds.ts PATROL_KINDS, in order (the forces report’s columns)', () => {
    expect(ENUMS.get('village')!.get('PatrolTeamKind')).toEqual([...PATROL_KINDS]);
  });

  it('HazardStatus of the village schema is domain/hazards.ts HAZARD_STATUSES, each with the moves HAZARD_NEXT allows', () => {
    expect(ENUMS.get('village')!.get('HazardStatus')).toEqual([...HAZARD_STATUSES]);
    expect(Object.keys(HAZARD_NEXT)).toEqual([...HAZARD_STATUSES]);
  });

  it('HazardAction of the village schema is domain/hazards.ts HAZARD_ACTIONS, whose steps make exactly the moves HAZARD_NEXT allows', () => {
    expect(ENUMS.get('village')!.get('HazardAction')).toEqual([...HAZARD_ACTIONS]);
    expect(Object.keys(HAZARD_STEPS)).toEqual([...HAZARD_ACTIONS]);
    const moves = (pairs: [string, string][]) => pairs.map(([a, b]) => `${a}→${b}`).sort();
    const bySteps = Object.values(HAZARD_STEPS).flatMap((s) => s.from.map((f): [string, string] => [f, s.to]));
    const byNext = Object.entries(HAZARD_NEXT).flatMap(([f, tos]) => tos.map((t): [string, string] => [f, t]));
    expect(moves(bySteps)).toEqual(moves(byNext));
    // 验收不合格: a rectified hazard whose check failed goes back to rectifying, and only by its own step.
    expect(HAZARD_NEXT.RECTIFIED).toContain('RECTIFYING');
    expect(Object.values(HAZARD_STEPS).filter((s) => s.from.includes('RECTIFIED') && s.to === 'RECTIFYING')).toEqual([HAZARD_STEPS.SEND_BACK]);
  });

  it('the analysis room names a hazard’s kind, status, source and step as the schema does, the word a sheet shows (app/src/labels.ts)', () => {
    const doc = parse(readFileSync(join(ROOT, 'schema', 'village.graphql'), 'utf8'));
    /** Each value's Chinese name: the first word of its description, as spreadsheets for people show it. */
    const named = (name: string) => {
      const def = doc.definitions.find((d) => d.kind === Kind.ENUM_TYPE_DEFINITION && d.name.value === name);
      if (def?.kind !== Kind.ENUM_TYPE_DEFINITION) throw new Error(`no enum ${name}`);
      return Object.fromEntries((def.values ?? []).map((v) => [v.name.value, v.description?.value.split(/\s/)[0]]));
    };
    expect(HAZARD_KIND).toEqual(named('HazardKind'));
    expect(HAZARD_STATUS).toEqual(named('HazardStatus'));
    expect(HAZARD_SOURCE).toEqual(named('HazardSource'));
    expect(HAZARD_ACTION).toEqual(named('HazardAction'));
  });

  it('HazardSource of the village schema is domain/hazards.ts HAZARD_SOURCES, in order (HazardStats.bySource lists every one)', () => {
    expect(ENUMS.get('village')!.get('HazardSource')).toEqual([...HAZARD_SOURCES]);
  });
});
