import type { PoolClient } from 'pg';
import { codePrefix } from '../../../../platform/jurisdiction.ts';
import { z } from 'zod';
import { col, command, nativeRows, sql, type Sql } from '../../../../platform/sql.ts';
import { copyInto, nativeExec, type CopyValue } from '../../../../platform/bulk.ts';
import type { KindSql, LineRow, ResidentWrites, StageCheck, WrittenRow } from './import-kinds.ts';
import type { BatchCheck, BatchStatements, Written } from './row-kinds.ts';

/**
 * The statements of an import (../import/route.ts): its job and rejected
 * lines (import_job, import_reject), a batch's session settings, stage,
 * checks and writes (the per-kind SQL is in import-kinds.ts), and the
 * residents' roll-up deltas. They run on a native client with `$n`
 * placeholders, inside the transactions the route opens.
 */

const Job = z.object({
  kind: col.text,
  committedLine: z.number().int(),
  inserted: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  rejected: z.number().int(),
  // MikroORM's pool keeps timestamptz as text (its type parsers); only whether it is set matters here.
  finishedAt: z.union([z.date(), z.string()]).nullable(),
});
export type JobRow = z.infer<typeof Job>;

const Reject = z.object({ line: z.number().int(), field: col.text, reason: col.text, code: col.text, rule: col.text.nullable().optional() });
export type RejectRow = z.infer<typeof Reject>;

const addJob = command('importJob.add', `insert into import_job (owner, id, kind) values ($1, $2, $3) on conflict do nothing`);
const lockJob = sql(
  'importJob.lock',
  Job,
  `select kind, committed_line, inserted, updated, unchanged, rejected, finished_at from import_job where owner = $1 and id = $2 for update`,
);
const clearRejects = command('importReject.clear', `delete from import_reject where owner = $1 and job_id = $2`);
const restartJob = command(
  'importJob.restart',
  `update import_job set committed_line = 0, inserted = 0, updated = 0, unchanged = 0, rejected = 0, started_at = now(), updated_at = now(), finished_at = null
    where owner = $1 and id = $2`,
);
const rejectsOfJob = sql(
  'importReject.ofJob',
  Reject,
  `select line, field, reason, code, rule from import_reject where owner = $1 and job_id = $2 order by line, field`,
);
const addRejects = command(
  'importReject.add',
  `insert into import_reject (owner, job_id, line, field, reason, code, rule) select $1, $2, * from unnest($3::int[], $4::text[], $5::text[], $6::text[], $7::text[])`,
);
const advanceJob = command(
  'importJob.advance',
  `update import_job set committed_line = $3, inserted = inserted + $4, updated = updated + $5, unchanged = unchanged + $6, rejected = rejected + $7, updated_at = now()
    where owner = $1 and id = $2`,
);
const finishJob = command('importJob.finish', `update import_job set finished_at = now() where owner = $1 and id = $2`);

/** Creates the job if it is new, and locks it (in the caller's transaction); its row as it stands. */
export async function lockedJob(client: PoolClient, owner: string, id: string, kind: string): Promise<JobRow> {
  await nativeExec(client, addJob, [owner, id, kind]);
  const [job] = await nativeRows(client, lockJob, [owner, id]);
  return job!;
}

/** Starts a finished job over: no rejects, no counts, no mark. */
export async function restartedJob(client: PoolClient, owner: string, id: string): Promise<void> {
  await nativeExec(client, clearRejects, [owner, id]);
  await nativeExec(client, restartJob, [owner, id]);
}

/** The lines a job rejected so far, in line order. */
export function jobRejects(client: PoolClient, owner: string, id: string): Promise<RejectRow[]> {
  return nativeRows(client, rejectsOfJob, [owner, id]);
}

/** Records rejected lines of a job. */
export async function recordRejects(client: PoolClient, owner: string, id: string, rejects: readonly RejectRow[]): Promise<void> {
  await nativeExec(client, addRejects, [
    owner,
    id,
    rejects.map((r) => r.line),
    rejects.map((r) => r.field),
    rejects.map((r) => r.reason),
    rejects.map((r) => r.code),
    rejects.map((r) => r.rule ?? null),
  ]);
}

/** Moves the job's mark to `line` and adds a batch's counts. */
export async function advancedJob(
  client: PoolClient,
  owner: string,
  id: string,
  line: number,
  counts: { inserted: number; updated: number; unchanged: number; rejected: number },
): Promise<void> {
  await nativeExec(client, advanceJob, [owner, id, line, counts.inserted, counts.updated, counts.unchanged, counts.rejected]);
}

export async function finishedJob(client: PoolClient, owner: string, id: string): Promise<void> {
  await nativeExec(client, finishJob, [owner, id]);
}

const gridsUnder = sql('grid.codesUnder', z.object({ code: col.text }), `select code from grid where code like $1`);

/** The codes of the grids under a jurisdiction (every grid for the whole country, `*`). */
export async function gridCodesUnder(client: PoolClient, jurisdiction: string): Promise<string[]> {
  return (await nativeRows(client, gridsUnder, [`${codePrefix(jurisdiction)}%`])).map((g) => g.code);
}

const BirthDate = z.object({ id: col.id, birthDate: col.text });
const birthDatesOf = sql('import.birthDates', BirthDate, `select id, to_char(birth_date, 'YYYY-MM-DD') as birth_date from person where id = any($1::int[])`);

/** Registered birth dates of residents by id (those the caller's jurisdiction holds). */
export async function birthDates(client: PoolClient, ids: readonly number[]): Promise<Map<number, string>> {
  return new Map((await nativeRows(client, birthDatesOf, [ids])).map((r) => [r.id, r.birthDate]));
}

/** Transaction settings naming who imports, read by the triggers that record reported disputes. */
export const IMPORT_SUBJECT_SETTING = 'hub.import_subject';
export const IMPORT_ACTOR_SETTING = 'hub.import_actor';
const asyncCommit = command('import.asyncCommit', `set local synchronous_commit = off`);

/**
 * A batch transaction's commit mode (its jurisdiction and who imports are set by
 * platform/jurisdiction.ts `scopeClient`): commits that need not wait for WAL.
 */
export async function batchSettings(client: PoolClient): Promise<void> {
  // A batch's rows and the job's mark commit together, so a crash that loses a batch loses its mark too and the
  // resume writes it again: a batch need not wait for its WAL to reach disk. The final `finished_at` commit does
  // wait, and WAL is flushed in order, so every batch is durable by the time `done` is sent.
  await nativeExec(client, asyncCommit);
}

/** Creates the kind's stage table and copies the batch into it (rows are `[line, ...stage values]`). */
export async function stageBatch(client: PoolClient, kind: KindSql, rows: readonly (readonly CopyValue[])[]): Promise<void> {
  await nativeExec(client, kind.createStage);
  await copyInto(client, kind.copyStage, rows);
}

/** Runs the kind's `prepare`, if any; its row count (1 when the kind has none or PostgreSQL reports none). */
export async function prepareBatch(client: PoolClient, kind: { prepare?: Sql<Record<string, never>> }): Promise<number> {
  return kind.prepare ? ((await nativeExec(client, kind.prepare)) ?? 1) : 1;
}

/** Deletes the staged rows a check finds bad; their lines, and the columns that differ where the check names them. */
export function rejectStaged(client: PoolClient, check: StageCheck): Promise<LineRow[]> {
  return nativeRows(client, check.st);
}

/** Runs an upsert; what it wrote. */
export function upsertStaged(client: PoolClient, upsert: Sql<WrittenRow>): Promise<WrittenRow[]> {
  return nativeRows(client, upsert);
}

/** Makes `n`, the batch's rows as they would be written (row-kinds.ts); how many change a record and how many are new. */
export async function materializeRows(client: PoolClient, batch: BatchStatements): Promise<{ targets: number; news: number }> {
  for (const st of batch.materialize) await nativeExec(client, st);
  const [counts] = await nativeRows(client, batch.counts);
  return counts!;
}

/** Takes the kind's locks over `n`. */
export async function lockRows(client: PoolClient, batch: BatchStatements): Promise<void> {
  if (batch.lock) await nativeExec(client, batch.lock);
}

/** Deletes the rows of `n` a check finds bad: their lines and the column each is rejected under. */
export function rejectRows(client: PoolClient, check: BatchCheck): Promise<{ line: number; field: string; reason: { zh: string; en: string } | null }[]> {
  return nativeRows(client, check.st);
}

/** Writes the changed and new rows of `n`. */
export function upsertRows(client: PoolClient, batch: BatchStatements): Promise<Written[]> {
  return nativeRows(client, batch.upsert);
}

const skipRollupOn = command('import.skipRollupOn', `set local hub.skip_rollup = 'on'`);
const skipRollupOff = command('import.skipRollupOff', `set local hub.skip_rollup = 'off'`);
const createDone = command(
  'import.createDone',
  `create temp table done (inserted boolean, village_code text, residency text, tags text[], was text) on commit drop`,
);
const lockCounties = command(
  'import.lockCounties',
  `select hub_lock_counties(array(select distinct village_code from done union select was from done where was is not null))`,
);
const addDeltas = command(
  'import.addRollupDeltas',
  `with d as (select village_code, count(*) as n, count(*) filter (where residency = 'FLOATING') as f from done where inserted group by 1),
        t as (select village_code, jsonb_object_agg(tag, n) as tags
                from (select village_code, tag, count(*) as n from done, unnest(tags) as tag where inserted group by 1, 2) x group by 1)
   update village_rollup r
      set residents = r.residents + d.n, floating = r.floating + d.f, tags = hub_tags_add(r.tags, coalesce(t.tags, '{}'))
     from d left join t using (village_code)
    where r.village_code = d.village_code`,
);
const recountVillages = command(
  'import.recountVillages',
  `select refresh_village_rollup(array(
     select was from done where not inserted and was is not null
     union select village_code from done where not inserted
     union select d.village_code from done d where d.inserted and not exists (select 1 from village_rollup r where r.village_code = d.village_code)))`,
);
const doneCounts = sql(
  'import.doneCounts',
  z.object({ inserted: col.num, updated: col.num }),
  `select count(*) filter (where inserted) as inserted, count(*) filter (where not inserted) as updated from done`,
);

const Matched = z.object({ ids: z.array(col.id), elsewhere: col.num });
const matchedOf = sql(
  'import.residents.matched',
  Matched,
  `select coalesce(array_agg(person_id) filter (where person_id is not null), '{}') as ids, count(*) filter (where outside) as elsewhere from known`,
);

/** The batch's ID numbers the hub knows (residents' `known`): the residents they name here, and how many are registered elsewhere. */
export async function matchedResidents(client: PoolClient): Promise<{ ids: number[]; elsewhere: number }> {
  return (await nativeRows(client, matchedOf))[0] ?? { ids: [], elsewhere: 0 };
}

const numberedOf = sql(
  'import.residents.numbered',
  z.object({ ids: z.array(col.id) }),
  `select coalesce(array_agg(target order by target), '{}') as ids from n where adds_number`,
);

/** 补录: the residents registered without a number (newborns) whose rows left in the batch (`n`, after its checks) add it. */
export async function numberedResidents(client: PoolClient): Promise<number[]> {
  return (await nativeRows(client, numberedOf))[0]?.ids ?? [];
}

const namedOf = new Map<string, Sql<z.infer<typeof Matched>>>();
/**
 * The residents a batch's staged rows name by ID number, for a kind other than residents (whose `known` holds them):
 * every `…id_number` column (a household's head, a group's leader, a post's or a mediator's person) and a case's
 * parties. Read before any check drops a row, as a lookup is one whatever its row's fate: the ones the jurisdiction
 * holds, and how many are registered outside it.
 */
export async function namedResidents(
  client: PoolClient,
  kind: string,
  stage: readonly (readonly [string, string])[],
): Promise<{ ids: number[]; elsewhere: number }> {
  let statement = namedOf.get(kind);
  if (!statement) {
    const numbers = [
      ...stage.filter(([c]) => c.endsWith('id_number')).map(([c]) => `select ${c} from stage where ${c} is not null`),
      ...(stage.some(([c]) => c === 'parties') ? [`select e->>'id_number' from stage, jsonb_array_elements(parties) e where e ? 'id_number'`] : []),
    ];
    statement = sql(
      `import.${kind}.named`,
      Matched,
      `select coalesce(array_agg(distinct person_id) filter (where person_id is not null), '{}') as ids, count(*) filter (where outside) as elsewhere
         from hub_known_people(array(${numbers.join(' union ')}))`,
    );
    namedOf.set(kind, statement);
  }
  return (await nativeRows(client, statement))[0] ?? { ids: [], elsewhere: 0 };
}

/** Looks up the batch's ID numbers (residents' `known`); how many the hub knows, inside the jurisdiction or not. */
export async function knownResidents(client: PoolClient, writes: ResidentWrites): Promise<number> {
  return (await nativeExec(client, writes.prepare)) ?? 0;
}

/**
 * The residents' writes (into the temp table `done`) with the village
 * roll-up's own statement triggers off (see ../import/route.ts): a batch of
 * new residents only straight from the stage (`fast`), else the changed and
 * new rows of `n`.
 */
export async function writeResidents(client: PoolClient, writes: ResidentWrites, how: 'fast' | { targets: number; news: number }): Promise<void> {
  await nativeExec(client, skipRollupOn);
  await nativeExec(client, createDone);
  if (how === 'fast') await nativeExec(client, writes.fastInsert);
  else {
    if (how.targets) await nativeExec(client, writes.update);
    if (how.news) await nativeExec(client, writes.insert);
  }
  await nativeExec(client, skipRollupOff);
}

/** Takes the roll-up locks of the counties the written residents are in (or left). */
export async function lockWrittenCounties(client: PoolClient): Promise<void> {
  await nativeExec(client, lockCounties);
}

/**
 * Adds the inserted residents to their villages' roll-ups and recounts the
 * villages of updated residents and villages with no roll-up yet; how many
 * residents were inserted and updated.
 */
export async function rollUpWritten(client: PoolClient): Promise<{ inserted: number; updated: number }> {
  await nativeExec(client, addDeltas);
  await nativeExec(client, recountVillages);
  const [counts] = await nativeRows(client, doneCounts);
  return counts!;
}
