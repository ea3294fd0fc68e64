import type { EntityManager } from '@mikro-orm/postgresql';
import { statsVersions } from './store/stats.ts';

/*
 * The versions a request's statistics are checked against (docs/ARCHITECTURE.md, "Cached statistics": versions, a
 * county's state). The figures themselves and their cache are in stats.ts.
 */

/** A division's version fingerprints: `counts` (population, forces) and `days` (patrols, disputes). */
interface Fingerprints {
  counts: string;
  days: string;
}

/** The county whose own version row covers `code` (a county, township or village), or undefined (a prefecture, a province). */
const countyOf = (code: string): string | undefined => (code.length === 6 || code.length === 9 || code.length === 12 ? code.slice(0, 6) : undefined);

/**
 * The fingerprints of divisions under each county as read at one state of the county's own version row, kept for
 * the process. Every bump of a village's version bumps its county's in the same statement, and that is the only
 * writer (Migration…25StatsVersion): while a county's row reads the same, no version under it has changed and no
 * village has been added. A request that has read a county's row in this state takes its townships' and villages'
 * fingerprints from here instead of reading them (a county drill-down: one row, not 163). Entries of a county read
 * in another state are dropped, never used; prefectures and provinces span counties and are always read.
 */
class CountyStates {
  private readonly byCounty = new Map<string, { state: string; under: Map<string, Fingerprints> }>();
  private entries = 0;

  /** `code`'s fingerprints, if kept at the county's `state`. */
  get(county: string, state: string, code: string): Fingerprints | undefined {
    const kept = this.byCounty.get(county);
    return kept?.state === state ? kept.under.get(code) : undefined;
  }

  /** Whether `code` was kept at any state of its county (then reading the county's row alone may be enough). */
  has(county: string, code: string): boolean {
    return this.byCounty.get(county)?.under.has(code) ?? false;
  }

  /** Keeps fingerprints read in one statement with their county's row, whose state was `state`. */
  set(county: string, state: string, code: string, f: Fingerprints): void {
    let kept = this.byCounty.get(county);
    if (kept?.state !== state) {
      if (kept) {
        this.entries -= kept.under.size;
        this.byCounty.delete(county);
      }
      this.byCounty.set(county, (kept = { state, under: new Map() }));
    }
    if (!kept.under.has(code)) this.entries++;
    kept.under.set(code, f);
    // The counties kept longest since their last change go first.
    for (const [c, k] of this.byCounty) {
      if (this.entries <= COUNTY_STATES_ENTRIES || c === county) break;
      this.entries -= k.under.size;
      this.byCounty.delete(c);
    }
  }
}

/** Most fingerprints kept under county states (a county has up to a few hundred townships and villages). */
const COUNTY_STATES_ENTRIES = 50_000;
const COUNTY_STATES = new CountyStates();

/**
 * A request's version fingerprints by division code (`stats.versions`). The
 * codes every loader asks for in one turn go in one statement, as a
 * DataLoader's would, but each loader waits on one promise for its whole
 * batch instead of one per division: a county drill-down asks three kinds of
 * figures for 163 divisions. Townships and villages are taken from the
 * county's kept state (`CountyStates`) once this request has read the
 * county's row and found it unchanged; when the row has changed, they are read
 * again, with it. A failed read is not kept: the next ask reads again.
 */
export class RequestVersions {
  private readonly known = new Map<string, Fingerprints>();
  /** The state of each county's own row as this request read it. */
  private readonly counties = new Map<string, string>();
  private readonly reading = new Map<string, Promise<void>>();
  /** This request's statements under way that read a county's row, by county. */
  private readonly countyReads = new Map<string, Promise<void>>();
  private next: { codes: string[]; done: Promise<void> } | undefined;
  /** The request's entity manager, which every statistics statement of the request reads with. */
  readonly em: EntityManager;
  /** The database's clock (epoch ms) at this request's latest versions statement, for figures that follow it. */
  now = 0;
  constructor(em: EntityManager) {
    this.em = em;
  }

  async of(codes: readonly string[]): Promise<Fingerprints[]> {
    const waits = new Set<Promise<void>>();
    for (const c of codes) {
      if (this.known.has(c)) continue;
      waits.add(this.reading.get(c) ?? this.enqueue(c));
    }
    if (waits.size) await Promise.all(waits);
    return codes.map((c) => this.known.get(c)!);
  }

  private enqueue(code: string): Promise<void> {
    let batch = this.next;
    if (batch === undefined) {
      const codes: string[] = [];
      // DataLoader's schedule: after the promise jobs already queued, so every loader dispatching in this turn joins.
      const done = Promise.resolve().then(
        () =>
          new Promise<void>((resolve, reject) =>
            process.nextTick(() => {
              this.next = undefined;
              this.read(codes).then(resolve, reject);
            }),
          ),
      );
      this.next = batch = { codes, done };
    }
    batch.codes.push(code);
    this.reading.set(code, batch.done);
    return batch.done;
  }

  private async read(codes: string[]): Promise<void> {
    try {
      let left = this.fromKept(codes);
      if (!left.length) return;
      // Loaders that ask in later turns start batches of their own while the first is read: a batch whose county
      // row another batch of this request is reading waits for that state instead of reading the row again.
      const under = new Set<Promise<void>>();
      for (const c of left) {
        const county = countyOf(c);
        const reading = county === undefined || this.counties.has(county) ? undefined : this.countyReads.get(county);
        if (reading) under.add(reading);
      }
      if (under.size) {
        await Promise.allSettled(under);
        left = this.fromKept(left);
        if (!left.length) return;
      }
      // A county this request has not read yet is read with the codes its kept state cannot answer, whatever that
      // state turns out to be: one statement when nothing under it has changed, a second for what then must be read.
      const ask = new Set<string>();
      for (const c of left) {
        const county = countyOf(c);
        if (county !== undefined) ask.add(county);
        if (county === undefined || this.counties.has(county) || !COUNTY_STATES.has(county, c)) ask.add(c);
      }
      await this.readNow(ask);
      left = this.fromKept(left);
      if (left.length) await this.readNow(new Set(left.flatMap((c) => [c, countyOf(c) ?? c])));
    } finally {
      for (const c of codes) this.reading.delete(c);
    }
  }

  /** Takes the fingerprints the kept county states can answer; returns the codes left. */
  private fromKept(codes: readonly string[]): string[] {
    const left: string[] = [];
    for (const c of codes) {
      if (this.known.has(c)) continue;
      const county = countyOf(c);
      const state = county === undefined ? undefined : this.counties.get(county);
      const kept = state === undefined ? undefined : COUNTY_STATES.get(county!, state, c);
      if (kept) this.known.set(c, kept);
      else left.push(c);
    }
    return left;
  }

  private async readNow(codes: ReadonlySet<string>): Promise<void> {
    const reading = this.statement(codes);
    for (const c of codes) if (c.length === 6) this.countyReads.set(c, reading);
    try {
      await reading;
    } finally {
      for (const c of codes) if (this.countyReads.get(c) === reading) this.countyReads.delete(c);
    }
  }

  /** Reads `codes` in one statement (every code's county among them), and keeps them under the county's state read with them. */
  private async statement(codes: ReadonlySet<string>): Promise<void> {
    const rows = await statsVersions(this.em, [...codes]);
    const by = new Map(rows.map((r) => [r.k, r]));
    this.now = rows[0]?.now ?? Date.now();
    const read = new Map<string, Fingerprints>();
    for (const c of codes) {
      const r = by.get(c);
      const own = { counts: r?.counts ?? '', days: r?.days ?? '' };
      read.set(c, own);
      this.known.set(c, own);
      if (c.length === 6) this.counties.set(c, `${own.counts}|${own.days}`);
    }
    // Kept only under the county's row read in this same statement (every code's county is among `codes`).
    for (const [c, own] of read) {
      const county = countyOf(c);
      if (county !== undefined && codes.has(county)) COUNTY_STATES.set(county, this.counties.get(county)!, c, own);
    }
  }
}
