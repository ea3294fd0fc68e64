/// <reference lib="dom" />
/** A division's view as the page loads it: its figures, its children's rows and the trail above it, at every level. */
import { request } from './client.ts';
import type { DivisionHeadFragment, DivisionRowFragment } from './generated/graphql.ts';
import type { Crumb } from './page.ts';
import { monthVars, period } from './period.ts';
import { CountyView, RegionView, TownshipView, VillageView } from './queries.ts';

/** Every level's figures, selected by one fragment on DivisionStatistics (app/src/queries.ts). */
export type Head = DivisionHeadFragment;
export type Row = DivisionRowFragment;
export type Kind = 'province' | 'prefecture' | 'county' | 'township' | 'village';
export type ReportLevel = 'county' | 'township' | 'village';

export interface Division {
  code: string;
  name: string;
  kind: Kind;
  /** Ancestors, top first. */
  crumbs: Crumb[];
  head: Head;
  rows: Row[];
  grids: { code: string; name: string; fullyStaffed: boolean }[];
  /** The report routes' level and `within` for the children table. */
  report: { level: ReportLevel; within: string };
}

export const KIND_ZH: Record<Kind, string> = {
  province: '省',
  prefecture: '市（州）',
  county: '县（市、区）',
  township: '乡镇（街道）',
  village: '村（社区）',
};
export const CHILD_ZH: Record<Kind, string> = {
  province: '下辖市（州）',
  prefecture: '下辖县（市、区）',
  county: '下辖乡镇',
  township: '下辖村（社区）',
  village: '网格',
};

export async function loadDivision(code: string): Promise<Division | undefined> {
  const p = period();
  const vars = { code, from: p.from, to: p.to, ...monthVars };
  if (code.length === 2 || code.length === 4) {
    const r = (await request(RegionView, vars)).region;
    if (!r) return undefined;
    const province = r.level === 'PROVINCE';
    return {
      code: r.code,
      name: r.name,
      kind: province ? 'province' : 'prefecture',
      crumbs: r.parent ? [r.parent] : [],
      head: r,
      rows: province ? r.prefectures : r.counties,
      grids: [],
      report: { level: 'county', within: r.code },
    };
  }
  if (code.length === 6) {
    const c = (await request(CountyView, vars)).county;
    if (!c) return undefined;
    return {
      code: c.code,
      name: c.name,
      kind: 'county',
      crumbs: [c.province, c.region],
      head: c,
      rows: c.townships ?? [],
      grids: [],
      report: { level: 'township', within: c.code },
    };
  }
  if (code.length === 9) {
    const t = (await request(TownshipView, vars)).township;
    if (!t) return undefined;
    const up = t.county ? [t.county.province, t.county.region, { code: t.county.code, name: t.county.name }] : [];
    return {
      code: t.code,
      name: t.name,
      kind: 'township',
      crumbs: up,
      head: t,
      rows: t.villages ?? [],
      grids: [],
      report: { level: 'village', within: t.code },
    };
  }
  if (code.length === 12) {
    const v = (await request(VillageView, vars)).village;
    if (!v) return undefined;
    const c = v.township?.county;
    const up = [
      ...(c ? [c.province, c.region, { code: c.code, name: c.name }] : []),
      ...(v.township ? [{ code: v.township.code, name: v.township.name }] : []),
    ];
    return { code: v.code, name: v.name, kind: 'village', crumbs: up, head: v, rows: [], grids: v.grids, report: { level: 'village', within: v.code } };
  }
  return undefined;
}
