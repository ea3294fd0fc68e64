/**
 * Deterministic demo registry at the seeds' real scale. 临潭县 (147 villages)
 * gets about 140,000 residents, 50,000 houses, 30,000 standard addresses,
 * 1,995 joint-defense groups, grids staffed 1+3+N, red-armband teams in every
 * village with a year of patrols and the hazards they found. Other counties
 * get the same figures in proportion to their villages. Everything comes
 * from a PRNG seeded with the county code, so every machine gets the same rows.
 */
import type { PoolClient } from 'pg';
import { makeCitizenId } from '../../domain/citizen-id.ts';
import { copyRows, nextId, resetIdentity, type CopyValue } from '../../platform/bulk.ts';
import { shortVillageName } from '../../domain/divisions.ts';
import { DEFAULT_MIX, ETHNIC_MIX, mobile, personName, surnameFor, type Ethnicity } from '../shared/names.ts';
import { Random, spread } from '../shared/random.ts';
import { VILLAGE_CENTRE } from '../shared/disputes.ts';

/** 临潭县's real figures, per 147 villages. */
const PER_147 = { residents: 140_400, houses: 50_300, addresses: 30_300, groups: 1995 };
const HOUSEHOLD_SIZE: [number, number][] = [
  [1, 12],
  [2, 20],
  [3, 22],
  [4, 20],
  [5, 13],
  [6, 8],
  [7, 3],
  [8, 2],
];
/** Floating residents' ID numbers carry the address code of where they are registered. */
const ELSEWHERE = ['620102', '620103', '621102', '622901', '623001', '630102', '510104', '440106', '513301', '622921'];

/** Approximate prevalence of each tag in a county's population (by age band where it applies). */
const TAGS: { tag: string; p: number; minAge: number; maxAge: number }[] = [
  { tag: 'RELEASED_PRISONER', p: 0.0015, minAge: 20, maxAge: 70 },
  { tag: 'COMMUNITY_CORRECTION', p: 0.0005, minAge: 18, maxAge: 70 },
  { tag: 'SEVERE_MENTAL_DISORDER', p: 0.004, minAge: 15, maxAge: 100 },
  { tag: 'DRUG_USER', p: 0.0006, minAge: 16, maxAge: 60 },
  { tag: 'HIV_RISK', p: 0.0002, minAge: 16, maxAge: 60 },
  { tag: 'KEY_YOUTH_IDLE', p: 0.01, minAge: 14, maxAge: 25 },
  { tag: 'KEY_YOUTH_BAD_BEHAVIOUR', p: 0.004, minAge: 12, maxAge: 25 },
  { tag: 'KEY_YOUTH_VAGRANT', p: 0.0008, minAge: 8, maxAge: 25 },
  { tag: 'KEY_YOUTH_CHILD_OF_INMATE', p: 0.001, minAge: 6, maxAge: 17 },
  { tag: 'LEFT_BEHIND_CHILD', p: 0.06, minAge: 0, maxAge: 15 },
  { tag: 'LEFT_BEHIND_ELDERLY', p: 0.08, minAge: 65, maxAge: 100 },
  { tag: 'EXTREME_POVERTY', p: 0.006, minAge: 0, maxAge: 100 },
];

interface Village {
  code: string;
  name: string;
  grids: string[];
}

export interface SeedCounts {
  residents: number;
  households: number;
  houses: number;
  addresses: number;
  groups: number;
  patrols: number;
  hazards: number;
}

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** Who takes a demo hazard's steps (`hazard_step.by_subject`, and the name the steps show). */
const SEED_SUBJECT = 'demo-seed';

/**
 * A demo hazard's 整改 steps, as the API would have written them (docs/ARCHITECTURE.md, "Hazards"): the village
 * centre starts its rectification a day after the report (sooner when it was rectified sooner) with a deadline of one
 * to four weeks, a grid worker reports it rectified, the centre verifies it. Drawn from the hazard's id, not the
 * random stream, so the rest of the demo data stays as it was. The deadline it set, for the hazard's `rectify_by`.
 */
function hazardSteps(out: CopyValue[][], id: number, at: number, rectified: number | null, verified: number | null, village: string, grid: string): string {
  const started = at + Math.min(DAY, rectified === null ? DAY : (rectified - at) / 2);
  const day = new Date(started + 8 * 3_600_000);
  day.setUTCDate(day.getUTCDate() + 7 * (1 + (id % 4)));
  const rectifyBy = day.toISOString().slice(0, 10);
  const step = (ms: number, action: string, from: string, to: string, by: string, note: string, deadline: string | null = null) =>
    out.push([id, iso(ms), action, from, to, SEED_SUBJECT, by, note, deadline, village, grid]);
  step(started, 'START', 'REPORTED', 'RECTIFYING', VILLAGE_CENTRE, '通知责任人限期整改', rectifyBy);
  if (rectified !== null) step(rectified, 'RECTIFY', 'RECTIFYING', 'RECTIFIED', '网格员', '已按要求整改');
  if (verified !== null) step(verified, 'VERIFY', 'RECTIFIED', 'VERIFIED', VILLAGE_CENTRE, '验收合格');
  return rectifyBy;
}
const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * Generates and COPYs one county's registry. `refDate` (YYYY-MM-DD) ends the
 * demo year. Run it inside `withoutConstraints(REGISTRY_TABLES)`: rows refer
 * to each other in both directions (a household's head is one of its people).
 */
/**
 * `scale` shrinks the people, places, groups and patrol frequency (1 = the
 * seeds' real scale; province-scale synthetic data uses a tenth or so).
 * `idNumbers`: every ID number the person table holds, when the caller keeps
 * that set (see avoidExistingIdNumbers); the county's own are added to it.
 */
export async function seedCountyRegistry(client: PoolClient, county: string, refDate: string, scale = 1, idNumbers?: Set<string>): Promise<SeedCounts> {
  const r = new Random(`registry-${county}`);
  const villageRows = await client.query<{ code: string; name: string; grids: string[] }>(
    `select v.code, v.name, array_agg(g.code order by g.code) as grids
       from village v join grid g on g.village_code = v.code
      where v.county_code = $1 group by v.code, v.name order by v.code`,
    [county],
  );
  const villages: Village[] = villageRows.rows;
  if (!villages.length) return { residents: 0, households: 0, houses: 0, addresses: 0, groups: 0, patrols: 0, hazards: 0 };
  const f = (villages.length / 147) * scale;
  const quota = {
    residents: spread(Math.round(PER_147.residents * f), villages.length),
    houses: spread(Math.round(PER_147.houses * f), villages.length),
    addresses: spread(Math.round(PER_147.addresses * f), villages.length),
    groups: spread(Math.round(PER_147.groups * f), villages.length),
  };
  const mix = ETHNIC_MIX[county] ?? DEFAULT_MIX;
  const refMs = Date.parse(`${refDate}T23:59:59+08:00`);
  const yearStartMs = refMs - 365 * DAY;

  const ids = {
    address: await nextId(client, 'address'),
    house: await nextId(client, 'house'),
    household: await nextId(client, 'household'),
    person: await nextId(client, 'person'),
    group: await nextId(client, 'joint_defense_group'),
    staff: await nextId(client, 'grid_staff'),
    team: await nextId(client, 'patrol_team'),
    patrol: await nextId(client, 'patrol'),
    hazard: await nextId(client, 'hazard'),
    committee: await nextId(client, 'mediation_committee'),
    mediator: await nextId(client, 'mediator'),
    site: await nextId(client, 'site'),
  };
  const rows = {
    address: [] as CopyValue[][],
    house: [] as CopyValue[][],
    household: [] as CopyValue[][],
    person: [] as CopyValue[][],
    group: [] as CopyValue[][],
    staff: [] as CopyValue[][],
    team: [] as CopyValue[][],
    member: [] as CopyValue[][],
    patrol: [] as CopyValue[][],
    hazard: [] as CopyValue[][],
    hazardStep: [] as CopyValue[][],
    committee: [] as CopyValue[][],
    mediator: [] as CopyValue[][],
    site: [] as CopyValue[][],
  };
  // Sequence numbers of ID numbers already used per (address code, birth date): IDs stay unique.
  const usedSeq = new Map<string, number>();
  const citizenId = (addressCode: string, birth: string, male: boolean) => {
    const key = addressCode + birth.replaceAll('-', ''); // same key as avoidExistingIdNumbers uses
    let seq = usedSeq.get(key) ?? r.int(0, 200) * 2;
    if (seq % 2 !== (male ? 1 : 0)) seq++;
    usedSeq.set(key, seq + 2);
    return seq < 1000 ? makeCitizenId(addressCode, birth, seq) : null;
  };
  // A county's residents are born on a few tens of thousands of distinct instants: each one's date is formatted once.
  const birthDates = new Map<number, string>();
  const birthFor = (age: number) => {
    const ms = refMs - age * 365.25 * DAY - r.int(0, 364) * DAY;
    let birth = birthDates.get(ms);
    if (birth === undefined) birthDates.set(ms, (birth = dateOf(ms)));
    return birth;
  };

  villages.forEach((v, vi) => {
    const short = shortVillageName(v.name);
    const grids = v.grids;
    const gridOfIndex = (i: number, n: number) => grids[Math.min(grids.length - 1, Math.floor((i * grids.length) / n))]!;
    // Addresses, spread over the grids in order (neighbours share a grid).
    const nAddr = quota.addresses[vi]!;
    const addrIds: number[] = [];
    const addrGrid: string[] = [];
    for (let i = 0; i < nAddr; i++) {
      const grid = gridOfIndex(i, nAddr);
      const g = Number(grid.slice(12));
      const no = `${g}组${i + 1}号`;
      const id = ids.address++;
      addrIds.push(id);
      addrGrid.push(grid);
      rows.address.push([id, no, `${short}${no}`, v.code, grid, county]);
    }
    // Houses: 1–3 per address.
    const nHouse = quota.houses[vi]!;
    const houseIds: number[] = [];
    const houseAddr: number[] = [];
    for (let i = 0; i < nHouse; i++) {
      const ai = Math.min(nAddr - 1, Math.floor((i * nAddr) / nHouse));
      houseIds.push(ids.house++);
      houseAddr.push(ai);
    }
    // Households and people until the village's resident quota is met.
    const people: { id: number; name: string; age: number; grid: string; household: number }[] = [];
    const households: { id: number; grid: string; head: number; members: number[] }[] = [];
    let residents = 0;
    let hi = 0;
    const houseUse = new Map<number, string>();
    while (residents < quota.residents[vi]!) {
      const size = Math.min(r.weighted(HOUSEHOLD_SIZE), quota.residents[vi]! - residents);
      // Households spread over the village's houses; the houses left over are vacant or commercial.
      const houseI = Math.min(nHouse - 1, Math.floor((hi * nHouse) / Math.max(1, Math.round(quota.residents[vi]! / 3.5))));
      const ai = houseAddr[houseI]!;
      const grid = addrGrid[ai]!;
      const hid = ids.household++;
      houseUse.set(houseI, r.chance(0.85) ? 'SELF_OCCUPIED' : 'RENTED');
      const ethnicity = r.weighted(mix) as Ethnicity;
      const surname = surnameFor(r, ethnicity);
      const floating = r.chance(0.088);
      const headMale = r.chance(0.82);
      const headAge = r.int(25, 80);
      const members: number[] = [];
      // 与户主关系 (GB/T 4761's groups), as the household is made up: its head, a spouse, a parent or children.
      const addPerson = (age: number, male: boolean, sameSurname: boolean, relationship: string) => {
        const id = ids.person++;
        const birth = birthFor(age);
        const overseas = !floating && r.chance(0.0005);
        const residency = overseas ? 'OVERSEAS' : floating ? 'FLOATING' : 'REGISTERED';
        const addressCode = floating ? r.pick(ELSEWHERE) : county;
        const idNumber = overseas ? null : citizenId(addressCode, birth, male);
        const tags: string[] = [];
        for (const t of TAGS) if (age >= t.minAge && age <= t.maxAge && r.chance(t.p)) tags.push(t.tag);
        const name = personName(r, ethnicity, male, sameSurname ? surname : surnameFor(r, ethnicity));
        rows.person.push([
          id,
          name,
          male ? 'MALE' : 'FEMALE',
          birth,
          ethnicity,
          idNumber,
          age >= 16 && r.chance(0.8) ? mobile(r) : null,
          residency,
          tags,
          hid,
          addrIds[ai]!,
          relationship,
          v.code,
          grid,
          county,
        ]);
        members.push(id);
        people.push({ id, name, age, grid, household: hid });
      };
      addPerson(headAge, headMale, true, 'HEAD');
      if (size >= 2 && r.chance(0.85)) addPerson(Math.max(20, headAge + r.int(-5, 5)), !headMale, false, 'SPOUSE');
      while (members.length < size) {
        if (headAge > 45 && headAge < 70 && r.chance(0.2)) addPerson(Math.min(100, headAge + r.int(22, 32)), r.chance(0.45), true, 'PARENT');
        else {
          // Drawn in this order, as before: the seed's people stay who they were.
          const age = Math.max(0, headAge - r.int(20, 38));
          const male = r.chance(0.52);
          addPerson(age, male, true, male ? 'SON' : 'DAUGHTER');
        }
      }
      residents += members.length;
      households.push({ id: hid, grid, head: members[0]!, members });
      rows.household.push([hid, `${short}${String(hi + 1).padStart(4, '0')}`, members[0]!, addrIds[ai]!, houseIds[houseI]!, null, v.code, grid, county]);
      hi++;
    }
    houseIds.forEach((id, i) => {
      const use = houseUse.get(i) ?? (r.chance(0.6) ? 'VACANT' : 'COMMERCIAL');
      const ai = houseAddr[i]!;
      rows.house.push([id, `F${String(i + 1).padStart(5, '0')}`, use, r.int(40, 220), addrIds[ai]!, v.code, addrGrid[ai]!, county]);
    });
    // 十户联防: consecutive households (neighbours) in groups of 10–16, led by the first head.
    const nGroups = Math.min(quota.groups[vi]!, Math.floor(households.length / 10));
    let h = 0;
    const groupOf = new Map<number, number>();
    for (let gi = 0; gi < nGroups; gi++) {
      const remainingGroups = nGroups - gi;
      const size = Math.max(10, Math.min(r.int(10, 16), Math.floor((households.length - h) / remainingGroups)));
      const members = households.slice(h, h + size);
      h += size;
      const gid = ids.group++;
      for (const m of members) groupOf.set(m.id, gid);
      rows.group.push([gid, `${short}第${gi + 1}联防组`, members[0]!.head, v.code, members[0]!.grid, county]);
    }
    for (const row of rows.household.slice(rows.household.length - households.length)) row[5] = groupOf.get(row[0] as number) ?? null;

    const adults = people.filter((p) => p.age >= 18 && p.age <= 65);
    // Grid staff: 1 leader, 1 worker, 3 linked cadres, 2–5 informants; a few grids short of full staffing.
    for (const grid of grids) {
      const local = adults.filter((p) => p.grid === grid);
      const resident = () => (local.length ? r.pick(local) : r.pick(adults));
      // A resident holds a role in a grid once (the unique index grid_staff_post_once): a second pick of the same
      // informant is skipped, not redrawn, so that the random draws and all the data after them stay as they were.
      const held = new Set<string>();
      const staff = (role: string, person?: { id: number; name: string }) => {
        if (person) {
          if (held.has(`${role}:${person.id}`)) return;
          held.add(`${role}:${person.id}`);
        }
        rows.staff.push([
          ids.staff++,
          role,
          person ? person.name : personName(r, '汉族', r.chance(0.7), surnameFor(r, '汉族')),
          mobile(r),
          person?.id ?? null,
          v.code,
          grid,
          county,
        ]);
      };
      staff('GRID_LEADER', resident());
      staff('GRID_WORKER', resident());
      staff('LINKED_LEADER');
      staff('LINKED_OFFICE_CADRE');
      if (!r.chance(0.03)) staff('LINKED_POLITICAL_LEGAL_CADRE');
      const informants = r.chance(0.02) ? 0 : r.int(2, 5);
      for (let i = 0; i < informants; i++) staff('INFORMANT', resident());
    }
    // Patrol teams: a red-armband team everywhere, others in some villages; a year of patrols.
    const teamKinds: [string, string, number, number, number][] = [['RED_ARMBAND', '红袖标巡逻队', 10, 20, 3]];
    if (r.chance(0.25)) teamKinds.push(['MOTORCYCLE_VOLUNTEER', '摩托车志愿巡逻队', 6, 10, 7]);
    if (r.chance(0.2)) teamKinds.push(['MILITIA', '民兵巡逻队', 8, 15, 7]);
    if (r.chance(0.1)) teamKinds.push(['JOINT_PREVENTION', '联防队', 6, 12, 5]);
    for (const [kind, label, minM, maxM, everyDays] of teamKinds) {
      const tid = ids.team++;
      rows.team.push([tid, `${short}${label}`, kind, v.code, grids[0]!, county]);
      const members = r.sample(adults, Math.min(adults.length, r.int(minM, maxM)));
      for (const m of members) rows.member.push([tid, m.id, v.code]);
      if (!members.length) continue;
      const every = Math.max(1, Math.round(everyDays / Math.min(1, scale)));
      for (let day = r.int(0, every - 1); day < 365; day += r.int(Math.max(1, every - 1), every + 1)) {
        const start = yearStartMs + day * DAY + r.int(18, 21) * 3_600_000 - 8 * 3_600_000 + r.int(0, 3) * 900_000;
        const end = start + r.int(4, 12) * 900_000;
        if (end > refMs) break;
        const pid = ids.patrol++;
        const participants = r.sample(members, Math.min(members.length, r.int(3, 6)));
        const grid = r.pick(grids);
        rows.patrol.push([
          pid,
          tid,
          iso(start),
          iso(end),
          `${short}主干道—村委会—${r.int(1, grids.length)}组`,
          participants.map((p) => p.id),
          v.code,
          grid,
          county,
        ]);
        if (r.chance(0.08)) addHazard(grid, 'PATROL', pid, start + r.int(1, 3) * 600_000);
      }
    }
    // Hazards reported outside patrols: grid workers, drones, citizens.
    for (let i = r.int(1, 5); i > 0; i--)
      addHazard(r.pick(grids), r.pick(['GRID_WORKER', 'GRID_WORKER', 'DRONE', 'CITIZEN']), null, yearStartMs + r.int(0, 364) * DAY + r.int(8, 18) * 3_600_000);

    function addHazard(grid: string, source: string, patrolId: number | null, at: number) {
      const kind = r.weighted([
        ['FIRE', 30],
        ['ELECTRICAL', 20],
        ['TRAFFIC', 15],
        ['GAS', 8],
        ['GEOLOGICAL', 7],
        ['FLOOD', 6],
        ['PUBLIC_ORDER', 10],
        ['OTHER', 4],
      ] as const);
      const what: Record<string, string> = {
        FIRE: '柴草堆放靠近民房',
        ELECTRICAL: '私拉乱接电线',
        TRAFFIC: '路口缺少减速带',
        GAS: '液化气罐存放不当',
        GEOLOGICAL: '山体滑坡隐患点',
        FLOOD: '河道堵塞',
        PUBLIC_ORDER: '夜间无照明路段',
        OTHER: '其他安全隐患',
      };
      const ageDays = (refMs - at) / DAY;
      const status =
        ageDays > 60
          ? r.weighted([
              ['VERIFIED', 85],
              ['RECTIFIED', 10],
              ['RECTIFYING', 5],
            ] as const)
          : ageDays > 14
            ? r.weighted([
                ['VERIFIED', 40],
                ['RECTIFIED', 30],
                ['RECTIFYING', 20],
                ['REPORTED', 10],
              ] as const)
            : r.weighted([
                ['REPORTED', 50],
                ['RECTIFYING', 35],
                ['RECTIFIED', 15],
              ] as const);
      const rectified = status === 'RECTIFIED' || status === 'VERIFIED' ? Math.min(refMs, at + r.int(1, 20) * DAY) : null;
      const verified = status === 'VERIFIED' && rectified ? Math.min(refMs, rectified + r.int(1, 7) * DAY) : null;
      const hid = ids.hazard++;
      const rectifyBy = status === 'REPORTED' ? null : hazardSteps(rows.hazardStep, hid, at, rectified, verified, v.code, grid);
      rows.hazard.push([
        hid,
        kind,
        what[kind]!,
        `${short}${Number(grid.slice(12))}组`,
        source,
        source === 'PATROL' ? null : personName(r, '汉族', true, surnameFor(r, '汉族')),
        patrolId,
        iso(at),
        status,
        rectified ? iso(rectified) : null,
        verified ? iso(verified) : null,
        rectifyBy,
        v.code,
        grid,
        county,
      ]);
    }
    // Mediation committee with 3–7 mediators from the village.
    const cid = ids.committee++;
    rows.committee.push([cid, `${short}人民调解委员会`, v.code.slice(9) < '200' ? 'COMMUNITY' : 'VILLAGE', v.code, county]);
    for (const m of r.sample(adults, Math.min(adults.length, r.int(3, 7)))) {
      rows.mediator.push([ids.mediator++, cid, m.name, r.chance(0.05), mobile(r), m.id, v.code]);
    }
    // Key sites.
    const siteKinds: [string, string, number][] = [
      ['SCHOOL', '小学', 0.4],
      ['RELIGIOUS_SITE', county === '510311' || county === '440514' ? '祠堂' : '寺', county === '510311' || county === '440514' ? 0.15 : 0.5],
      ['MARKET', '集贸市场', 0.1],
      ['HOSPITAL', '卫生室', 0.3],
      ['ENTERPRISE', '合作社', 0.2],
      ['SCENIC_AREA', '景区', 0.03],
      ['RAILWAY_LINE', '铁路护路段', county === '510311' || county === '440514' ? 0.1 : 0],
    ];
    for (const [kind, label, p] of siteKinds) {
      if (!r.chance(p)) continue;
      const ai = r.int(0, nAddr - 1);
      rows.site.push([
        ids.site++,
        `${short}${label}`,
        kind,
        addrIds[ai]!,
        personName(r, '汉族', true, surnameFor(r, '汉族')),
        mobile(r),
        v.code,
        addrGrid[ai]!,
        county,
      ]);
    }
  });

  await avoidExistingIdNumbers(client, rows.person, usedSeq, idNumbers);
  if (idNumbers) for (const p of rows.person) if (typeof p[5] === 'string') idNumbers.add(p[5]);
  const division = ['village_code', 'grid_code', 'county_code'];
  await copyRows(client, 'address', ['id', 'number', 'text', ...division], rows.address);
  await copyRows(client, 'house', ['id', 'number', 'use', 'area', 'address_id', ...division], rows.house);
  // Loaded with foreign keys off (see withoutConstraints), so heads and leaders go in directly.
  await copyRows(client, 'joint_defense_group', ['id', 'name', 'leader_id', ...division], rows.group);
  await copyRows(client, 'household', ['id', 'number', 'head_id', 'address_id', 'house_id', 'joint_defense_group_id', ...division], rows.household);
  await copyRows(
    client,
    'person',
    [
      'id',
      'name',
      'gender',
      'birth_date',
      'ethnicity',
      'id_number',
      'phone',
      'residency',
      'tags',
      'household_id',
      'address_id',
      'relationship_to_head',
      ...division,
    ],
    rows.person,
  );
  await copyRows(client, 'grid_staff', ['id', 'role', 'name', 'phone', 'person_id', ...division], rows.staff);
  await copyRows(client, 'patrol_team', ['id', 'name', 'kind', ...division], rows.team);
  await copyRows(client, 'patrol_team_member', ['team_id', 'person_id', 'village_code'], rows.member);
  await copyRows(client, 'patrol', ['id', 'team_id', 'started_at', 'ended_at', 'route', 'participant_ids', ...division], rows.patrol);
  await copyRows(
    client,
    'hazard',
    [
      'id',
      'kind',
      'description',
      'location',
      'source',
      'reported_by',
      'patrol_id',
      'reported_at',
      'status',
      'rectified_at',
      'verified_at',
      'rectify_by',
      ...division,
    ],
    rows.hazard,
  );
  await copyRows(
    client,
    'hazard_step',
    ['hazard_id', 'at', 'action', 'status_from', 'status_to', 'by_subject', 'by_name', 'note', 'rectify_by', 'village_code', 'grid_code'],
    rows.hazardStep,
  );
  await copyRows(client, 'mediation_committee', ['id', 'name', 'kind', 'village_code', 'county_code'], rows.committee);
  await copyRows(client, 'mediator', ['id', 'committee_id', 'name', 'full_time', 'phone', 'person_id', 'village_code'], rows.mediator);
  await copyRows(client, 'site', ['id', 'name', 'kind', 'address_id', 'contact_name', 'contact_phone', ...division], rows.site);
  return {
    residents: rows.person.length,
    households: rows.household.length,
    houses: rows.house.length,
    addresses: rows.address.length,
    groups: rows.group.length,
    patrols: rows.patrol.length,
    hazards: rows.hazard.length,
  };
}

/**
 * ID numbers must be unique across the hub, but a floating resident seeded
 * here may carry the address code and birth date of someone seeded in another
 * county. Such clashes get the next free sequence number of the same parity.
 * The ID numbers already held are `held` when given (the person table's, as
 * the caller kept them), else they are looked up in the table.
 */
async function avoidExistingIdNumbers(client: PoolClient, people: CopyValue[][], usedSeq: Map<string, number>, held?: Set<string>): Promise<void> {
  for (let round = 0; round < 5; round++) {
    const ids = people.map((p) => p[5]).filter((x): x is string => typeof x === 'string');
    const taken = held
      ? new Set(ids.filter((id) => held.has(id)))
      : new Set((await client.query<{ id_number: string }>('select id_number from person where id_number = any($1)', [ids])).rows.map((x) => x.id_number));
    if (!taken.size) return;
    for (const p of people) {
      const id = p[5] as string | null;
      if (!id || !taken.has(id)) continue;
      const key = id.slice(0, 14);
      let seq = Math.max(usedSeq.get(key) ?? 0, Number(id.slice(14, 17)) + 2);
      if (seq % 2 !== Number(id[16]) % 2) seq++;
      usedSeq.set(key, seq + 2);
      p[5] = seq < 1000 ? makeCitizenId(id.slice(0, 6), `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`, seq) : null;
    }
  }
}

export const REGISTRY_TABLES = [
  'address',
  'house',
  'household',
  'person',
  'joint_defense_group',
  'grid_staff',
  'patrol_team',
  'patrol_team_member',
  'patrol',
  'hazard',
  'mediation_committee',
  'mediator',
  'site',
] as const;

/** Moves every identity sequence past the bulk-loaded ids. */
export async function resetRegistryIdentities(client: PoolClient): Promise<void> {
  for (const t of REGISTRY_TABLES) if (t !== 'patrol_team_member') await resetIdentity(client, t);
}
