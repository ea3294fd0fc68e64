import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { inject, afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type TestHub } from './helpers/hub.ts';
import { deliverEvents } from './helpers/cases.ts';
import { scrape, reruns } from './helpers/metrics.ts';
import { configureLogs } from '../platform/log.ts';

let hub: TestHub;
beforeAll(async () => {
  hub = await startHub();
});
afterAll(() => hub?.stop());

const COUNTY = '623022';
const YEAR = 2033;
const INDICATOR = 'HOUSEHOLD_COVERAGE';

/**
 * An event a level receives is applied in its own transaction with its inbox row (platform/events.ts). When
 * PostgreSQL aborts that transaction for a concurrent write, it runs again there and then, as a request's write does:
 * the sender's first delivery is answered 200, with no error logged for an abort that heals itself.
 */
describe('an event whose transaction PostgreSQL aborts for a concurrent write', () => {
  it('runs again at once: applied once, answered 200 on its first delivery, counted, no error logged', async () => {
    const db = new pg.Client({ connectionString: inject('dbs').village.migrationUrl });
    await db.connect();
    const { rows: villages } = await db.query<{ code: string }>(`select code from village where county_code = $1 order by code limit 1`, [COUNTY]);
    const division = villages[0]!.code;
    // The other write: it holds the targets' table, so the event's transaction writes its inbox row and then waits for
    // the table; it then writes the same inbox row, waiting for the event's transaction: a cycle, and PostgreSQL aborts
    // one of the two (the event's, whose wait began first, unless its deadlock check ran before this one's wait began).
    const other = new pg.Client({ connectionString: inject('dbs').village.migrationUrl });
    await other.connect();
    try {
      for (let round = 0; round < 4; round++) {
        const eventId = randomUUID();
        const target = 0.5 + round / 10;
        const event = {
          eventId,
          type: 'target.set',
          payload: { divisionCode: division, year: YEAR, indicator: INDICATOR, target, by: '县级测试', at: new Date().toISOString(), countyCode: COUNTY },
        };
        const lines: { level?: string; msg?: string; sqlstate?: string; runs?: number; committed?: boolean }[] = [];
        const rerunsBefore = reruns(await scrape(hub.subgraphs.village.url), '40P01');
        configureLogs({ level: 'info', destination: { write: (line: string) => void lines.push(JSON.parse(line) as (typeof lines)[0]) } });
        let crossed: string | undefined;
        let answer: Awaited<ReturnType<typeof deliverEvents>>;
        try {
          await other.query('begin');
          await other.query('lock table assessment_target in share row exclusive mode');
          const sent = deliverEvents(hub, 'county', 'village', [event]);
          for (let waited = 0; ; waited += 20) {
            const { rows } = await other.query(`select 1 from pg_locks where relation = 'assessment_target'::regclass and not granted`);
            if (rows.length) break;
            if (waited > 20_000) throw new Error('the event never waited for the targets table');
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
          crossed = await other.query(`insert into hub_inbox (event_id, source, type) values ($1, 'county', 'target.set')`, [eventId]).then(
            () => 'ok',
            (e: { code?: string }) => e.code,
          );
          await other.query('rollback');
          answer = await sent;
        } finally {
          configureLogs({ level: 'warn' });
          await other.query('rollback').catch(() => undefined);
        }
        if (crossed === '40P01' && round < 3) {
          // PostgreSQL aborted this connection instead: the event went on without a run again. Another round.
          expect(answer.status).toBe(200);
          continue;
        }
        expect(crossed).toBe('ok');
        // Answered on its first delivery: the sender need not deliver it again.
        expect(answer).toEqual({ status: 200, body: { applied: 1, duplicates: 0 } });
        expect(lines.filter((l) => l.level === 'error' || l.level === 'fatal')).toEqual([]);
        expect(lines.filter((l) => l.msg === 'write transaction ran again after a concurrent write')).toMatchObject([
          { sqlstate: '40P01', runs: 2, committed: true },
        ]);
        // Counted on the village's /metrics, by the SQLSTATE that aborted the first run.
        expect(reruns(await scrape(hub.subgraphs.village.url), '40P01')).toBe(rerunsBefore + 1);
        // Applied once: one inbox row, the target as sent, and a second delivery changes nothing.
        const inbox = await db.query(`select count(*)::int as n from hub_inbox where event_id = $1`, [eventId]);
        expect(inbox.rows[0].n).toBe(1);
        const set = await db.query(`select target::float as target from assessment_target where year = $1 and division_code = $2 and indicator = $3`, [
          YEAR,
          division,
          INDICATOR,
        ]);
        expect(set.rows).toEqual([{ target }]);
        expect(await deliverEvents(hub, 'county', 'village', [event])).toEqual({ status: 200, body: { applied: 0, duplicates: 1 } });
        return;
      }
    } finally {
      await other.end();
      await db.end();
    }
  }, 180_000);
});
