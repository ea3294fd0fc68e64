import type { IncomingMessage, ServerResponse } from 'node:http';
import { availableParallelism } from 'node:os';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { PoolClient } from 'pg';
import { GraphQLError } from 'graphql';
import { badInput, quote } from '../../../../domain/errors.ts';
import { routeIdentity, type SubgraphTrust } from '../../../../platform/auth.ts';
import { nativeBegin, nativeCommit, nativeRollback, type CopyValue } from '../../../../platform/bulk.ts';
import { departmentRefusal, hasScope, type Caller } from '../../../../platform/caller.ts';
import { idNumberElsewhere, repeated, ruleReject } from '../registry/rules.ts';
import { scopeClient } from '../../../../platform/jurisdiction.ts';
import { badParameter, databaseRefusal, HttpError, intParameter, listParameter, methodNotAllowed, routeParams, writeChunk } from '../../../../platform/http.ts';
import { preferredLanguage, saidOf, type Language } from '../../../../platform/language.ts';
import { nativePool } from '../../../../platform/orm.ts';
import { csvRecords, decodeText, ndjsonRecords, TabularError, type Encoding, type Format } from '../../../../platform/tabular.ts';
import { startsAsZip, xlsxRecords } from '../../../../platform/xlsx-read.ts';
import { XLSX_CONTENT_TYPE } from '../../../../platform/xlsx.ts';
import { headerLabels, importKind, KINDS, type Fields, type ImportKind } from './kinds.ts';
import { exportOnly } from '../store/export.ts';
import { lookupsRefused } from '../access.ts';
import { auditTrail } from '../store/audit-trail.ts';
import { lookupQuota } from '../store/lookup-quota.ts';
import type { LookupLimits } from '../../../../platform/settings.ts';
import type { ResidentWrites, RowKindSql } from '../store/import-kinds.ts';
import type { BatchFacts } from '../store/row-kinds.ts';
import {
  advancedJob,
  batchSettings,
  IMPORT_ACTOR_SETTING,
  IMPORT_SUBJECT_SETTING,
  finishedJob,
  gridCodesUnder,
  jobRejects,
  knownResidents,
  lockedJob,
  lockRows,
  lockWrittenCounties,
  matchedResidents,
  numberedResidents,
  namedResidents,
  materializeRows,
  prepareBatch,
  recordRejects,
  rejectRows,
  rejectStaged,
  restartedJob,
  rollUpWritten,
  stageBatch,
  upsertRows,
  upsertStaged,
  writeResidents,
} from '../store/import.ts';
import { scopeNamed } from '../../../../domain/labels.ts';
import { columnOf } from '../../../../platform/sql.ts';
import { retryCollisions } from '../../../../platform/write-transaction.ts';

/**
 * POST /import/<kind>?job=<id>&format=csv|ndjson|xlsx&encoding=utf-8|gb18030|gbk&dryRun=true|false&ignore=<columns>&sheet=<name>
 * with the file as the body (an XLSX workbook is told by its first bytes, a ZIP archive's, whatever the format says) (reached through the gateway for `write`
 * callers). The body is read as it arrives; good rows are written in batches,
 * one transaction each, which also records how far the job got and the lines
 * it rejected. Sending the same job id again after an interruption resumes
 * after the last committed batch (and replays the rejects recorded so far);
 * once a job has finished, the same id starts a fresh run, which changes
 * nothing if the file has not changed.
 *
 * The answer is NDJSON: `reject` lines (line, field, reason; `problems` when a row's fields break several rules), `progress`
 * lines after each batch, and a final `done` (or `error`) line.
 *
 * `dryRun=true` runs every rule and write of every batch and rolls each
 * batch back: the rejects and counts are what the import would give, and
 * nothing is kept (no job either). Each batch is checked as if the batches
 * before it had not been written (rows of the file that name one another
 * across batches are judged against the registry as it is).
 */
const DEFAULT_BATCH = 10_000;
/**
 * Batches written at once, each on its own connection: one per core, from 2
 * to 4. PostgreSQL does most of an import's work and runs one process per
 * connection, so one writer left a core idle. On the 2-core machine
 * (200,000 residents, fresh demo database, npm run import) 1, 2, 3 and 4
 * writers gave 35–39k, 58–65k, 56–57k and 57–59k rows/s: beyond the cores,
 * writers only contend.
 */
const WRITERS = Math.min(4, Math.max(2, availableParallelism()));

/**
 * One import writes at a time in this process; the next waits its turn.
 * Each takes up to WRITERS connections from a pool the GraphQL requests
 * share (HUB_DB_POOL_MAX, 10 by default), so concurrent imports could take
 * them all, or hold some each while waiting for more. On this machine a
 * second import at once would only share the same cores.
 */
let queue: Promise<void> = Promise.resolve();
function takeTurn(): Promise<() => void> {
  let release!: () => void;
  const turn = new Promise<void>((r) => (release = r));
  const ahead = queue;
  queue = ahead.then(() => turn);
  return ahead.then(() => release);
}

export interface Reject {
  line: number;
  field: string;
  reason: string;
  /** The code a mutation breaking the same rule answers (BAD_USER_INPUT for unreadable lines and field formats). */
  code: string;
  /**
   * The rule's stable name, as the mutation's `extensions.rule` gives it where a form has the rule. Every reject the
   * import makes names one (an unreadable line's, a field's format, a key repeated in the file); optional as a job's
   * stored rejects (import_reject.rule) may hold none.
   */
  rule?: string | null;
  /**
   * A row its fields refuse for more than one reason: every one of them, the first being the reject's own (which
   * stays where it was, so a reader of the first alone sees what it saw before). Absent for a row with one problem.
   */
  problems?: Problem[];
}

/** One of a rejected row's problems. */
export type Problem = Omit<Reject, 'line' | 'problems'>;

interface Job {
  committedLine: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
}

/** The codes a row's rules answer with: a reject carries the mutation's code. */
const ROW_CODES = new Set(['BAD_USER_INPUT', 'NOT_FOUND', 'CONFLICT', 'FORBIDDEN']);

/** The file columns of a kind that take true or false (a mediator's full_time). */
const BOOLEAN_COLUMNS = (kind: ImportKind) => new Set(kind.stage.flatMap(([c, t]) => (t === 'boolean' && kind.columns.includes(c) ? [c] : [])));

/**
 * Names a Chinese file's encoding goes by, all read by the GB18030 decoder: GBK (Windows code page 936) and GB2312
 * are subsets of GB18030, so a file in any of them reads the same as GB18030.
 */
const GB18030_NAMES = new Set(['gb18030', 'gbk', 'cp936', 'gb2312']);

/**
 * The encoding a content type's `charset` declares (`text/csv; charset=gbk`), read as `encoding` reads its names
 * (US-ASCII is UTF-8's first 128 characters); undefined without one. A charset the import cannot read is refused
 * rather than sniffed: a Latin-1 file is not UTF-8, and would be read as GB18030 into other characters.
 */
function charsetOf(type: string): Encoding | undefined {
  const m = /;\s*charset\s*=\s*"?([^";\s]*)"?/i.exec(type);
  if (!m) return undefined;
  const name = m[1]!.toLowerCase().replace('utf8', 'utf-8');
  if (name === 'utf-8' || name === 'us-ascii') return 'utf-8';
  if (GB18030_NAMES.has(name)) return 'gb18030';
  throw new HttpError(
    415,
    'BAD_REQUEST',
    {
      zh: `content-type 的 charset“${quote(m[1]!)}”不是导入能读的编码；文件应为 UTF-8 或 GB18030（gbk、cp936、gb2312 亦可），请另存为 UTF-8 后再导入。`,
      en: `The content type's charset "${quote(m[1]!)}" is not an encoding the import reads; files are UTF-8 or GB18030 (or gbk, cp936, gb2312): save it as UTF-8 and import that.`,
    },
    { argument: 'content-type' },
  );
}

/** A row's typed validation error as (field, reason in the import's language, code); anything else is a bug and is rethrown. */
function rejectOf(line: number, e: unknown, fallbackField: string, language: Language = 'zh'): Reject {
  if (e instanceof GraphQLError && ROW_CODES.has(String(e.extensions.code))) {
    const rule = typeof e.extensions.rule === 'string' ? e.extensions.rule : undefined;
    return {
      line,
      field: columnOf(String(e.extensions.argument ?? fallbackField)),
      reason: saidOf(e)[language],
      code: String(e.extensions.code),
      ...(rule ? { rule } : {}),
    };
  }
  throw e;
}

/**
 * Every problem a row refused by its field rules has, not only the first: a clerk mends them all in one round. The
 * row is read again without each column found wrong (a column the row does not give is left as stored, so its rules
 * do not run), until it passes or a problem names a column it no longer gives (one that follows from those already
 * found, as the ID number a row must have when its id is unreadable). Only rules that need no database run here;
 * those that do (duplicates, references, the lookup quota) run on rows that pass their fields, so a row refused
 * here costs no lookup. Rows that pass never come here.
 */
function withProblems(first: Reject, fields: Fields, parse: (f: Fields) => unknown, language: Language): Reject {
  const rest: Record<string, string | null> = { ...fields };
  const problems: Problem[] = [];
  for (let x: Reject | undefined = first; x && Object.hasOwn(rest, x.field);) {
    const { line: _line, problems: _problems, ...problem } = x;
    problems.push(problem);
    delete rest[x.field];
    x = undefined;
    try {
      parse(rest);
    } catch (e) {
      try {
        x = rejectOf(first.line, e, '', language);
      } catch {
        // Not a rule's answer: the problems found so far stand; the row is refused by the first as before.
      }
    }
  }
  return problems.length > 1 ? { ...first, problems } : first;
}

/** At most this many columns to leave out, each 1–100 characters. */
const MAX_IGNORED = 50;

function options(
  url: URL,
  req: IncomingMessage,
): { format: Format; encoding?: Encoding; batch: number; job: string; dryRun: boolean; ignore: ReadonlySet<string>; sheet?: string } {
  const p = routeParams(url, ['format', 'encoding', 'batch', 'job', 'dryRun', 'ignore', 'sheet']);
  const type = String(req.headers['content-type'] ?? '');
  // A browser form's upload (curl -F) wraps the file in parts the import would read as its header row.
  if (/^\s*multipart\//i.test(type)) {
    throw new HttpError(415, 'BAD_REQUEST', {
      zh: '请把文件本身作为请求体发送（如 curl --data-binary @文件.csv），不要用表单上传（multipart/form-data，curl -F）。',
      en: 'Send the file itself as the request body (e.g. curl --data-binary @file.csv), not as a form upload (multipart/form-data, curl -F).',
    });
  }
  // application/json too: a file of JSON objects sent as JSON is meant as NDJSON (a JSON array is refused whole).
  const jsonType = /ndjson|jsonl|application\/json/.test(type);
  const xlsxType = type.toLowerCase().startsWith(XLSX_CONTENT_TYPE);
  const format = (p.get('format') ?? (jsonType ? 'ndjson' : xlsxType ? 'xlsx' : 'csv')).toLowerCase();
  // The parameter wins over the content type; said both ways, the sender cannot have meant both.
  if (format === 'csv' && jsonType) {
    throw badParameter('format', {
      zh: `format=csv 与 content-type“${quote(type)}”（JSON）矛盾；NDJSON 文件请去掉 format=csv 或写 format=ndjson。`,
      en: `format=csv contradicts content-type "${quote(type)}" (JSON); for an NDJSON file drop format=csv or say format=ndjson.`,
    });
  }
  if (format !== 'csv' && format !== 'ndjson' && format !== 'xlsx') {
    throw badParameter('format', { zh: 'format 应为 csv、ndjson 或 xlsx。', en: 'format must be csv, ndjson or xlsx.' });
  }
  const sheet = p.get('sheet') ?? undefined;
  if (sheet !== undefined && (sheet.trim() === '' || sheet.length > 100)) {
    throw badParameter('sheet', { zh: 'sheet 应为工作表的名称（1–100 个字符）。', en: 'sheet must be a worksheet name (1–100 characters).' });
  }
  const named = p.get('encoding')?.toLowerCase().replace('utf8', 'utf-8');
  const enc = named && GB18030_NAMES.has(named) ? 'gb18030' : named;
  if (enc && enc !== 'utf-8' && enc !== 'gb18030' && enc !== 'auto') {
    throw badParameter('encoding', {
      zh: 'encoding 应为 utf-8、gb18030（gbk、cp936、gb2312 亦可，均按 GB18030 读取）或 auto。',
      en: 'encoding must be utf-8, gb18030 (or gbk, cp936, gb2312, all read as GB18030) or auto.',
    });
  }
  const charset = charsetOf(type);
  // The content type's charset declares the encoding as `encoding` does (HTTP's own way of saying it); both given, they agree.
  if (charset && enc && enc !== 'auto' && enc !== charset) {
    throw badParameter('encoding', {
      zh: `encoding=${enc} 与 content-type 的 charset（${charset}）矛盾；请只声明一种编码。`,
      en: `encoding=${enc} contradicts the content type's charset (${charset}); declare one encoding.`,
    });
  }
  const batch = intParameter(p, 'batch', { min: 1, max: 100_000, fallback: DEFAULT_BATCH });
  const job = p.get('job') ?? crypto.randomUUID();
  if (!/^[\w.:-]{1,128}$/.test(job)) {
    throw badParameter('job', { zh: 'job 应为 1–128 个字母、数字或 . _ : -', en: 'job must be 1–128 letters, digits or . _ : -' });
  }
  const dry = p.get('dryRun');
  if (dry !== null && dry !== 'true' && dry !== 'false') {
    throw badParameter('dryRun', { zh: 'dryRun 应为 true 或 false。', en: 'dryRun must be true or false.' });
  }
  // Columns a register carries that no kind takes (序号, 备注), named as the header writes them: comma-separated, the
  // Chinese comma and 、 too, as a person types a list.
  const ignored = listParameter(p, 'ignore', /[,，、]/) ?? [];
  if (ignored.length > MAX_IGNORED || ignored.some((c) => c.length > 100)) {
    throw badParameter('ignore', {
      zh: `ignore 应为以逗号分隔的列名，至多 ${MAX_IGNORED} 个，每个不超过 100 个字符。`,
      en: `ignore must be column names separated by commas, at most ${MAX_IGNORED}, each at most 100 characters.`,
    });
  }
  return {
    format,
    encoding: enc === 'utf-8' || enc === 'gb18030' ? enc : enc === 'auto' ? undefined : charset,
    batch,
    job,
    dryRun: dry === 'true',
    ignore: new Set(ignored),
    ...(sheet !== undefined ? { sheet } : {}),
  };
}

/** Opens (or resumes) a job; a finished one starts over. */
async function openJob(client: PoolClient, owner: string, id: string, kind: string): Promise<{ job: Job; replay: Reject[] }> {
  await nativeBegin(client);
  try {
    const row = await lockedJob(client, owner, id, kind);
    if (row.kind !== kind) {
      throw new HttpError(409, 'CONFLICT', {
        zh: `任务 ${id} 导入的是 ${row.kind}，不是 ${kind}；请换一个任务编号。`,
        en: `Job ${id} imports ${row.kind}, not ${kind}; use another job id.`,
      });
    }
    if (row.finishedAt) {
      await restartedJob(client, owner, id);
      await nativeCommit(client);
      return { job: { committedLine: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0 }, replay: [] };
    }
    const rejects = await jobRejects(client, owner, id);
    await nativeCommit(client);
    return {
      job: { committedLine: row.committedLine, inserted: row.inserted, updated: row.updated, unchanged: row.unchanged, rejected: row.rejected },
      replay: rejects.map(({ rule, ...r }) => (rule ? { ...r, rule } : r)),
    };
  } catch (e) {
    await nativeRollback(client).catch(() => {});
    throw e;
  }
}

/**
 * Writes one batch in one transaction: stage it with COPY, drop (and
 * record) the rows the database-side rules refuse, upsert the rest, and move
 * the job's mark to the batch's last line.
 *
 * Several batches are written at once (WRITERS), so PostgreSQL works on
 * every core. `before` is the previous batch: this one stages its rows and
 * reads what the hub knows of them alongside it, and waits for it to commit
 * before it takes any row lock (`writeRows`: the residents its rows name,
 * the households they join, the rows it writes; a batch of new residents
 * only inserts new rows, under ID numbers no other row in flight gives,
 * whether it names its resident by ID number or by id) or a
 * lock a refresh takes, writes the job's mark and commits. Marks therefore
 * move in line order (a resume never skips an uncommitted batch), a failed
 * batch rolls back the one after it, and the two transactions never wait on
 * each other inside PostgreSQL, where a wait on a Node promise would be a
 * deadlock no one detects.
 *
 * A batch PostgreSQL aborts for a concurrent write runs again from its start
 * (platform/write-transaction.ts `retryCollisions`) while it is the last batch
 * handed to a writer (`latest`): its transaction reads everything it decides
 * on afresh (its own copy of the parsed rows, which `beforeStage` completes
 * from the registry), and what it does outside the database (the rejects and
 * progress sent, the job's counts, the lookups audited) follows its commit. A
 * later batch may already hold row locks this one's run again would wait for
 * (the households its residents join, the residents it wrote) while it waits
 * for this one's commit on `before`: such a batch answers the abort
 * (`WRITE_COLLIDED`) and the import resumes after the last committed batch.
 */
async function writeBatch(
  client: PoolClient,
  caller: Caller,
  kind: ImportKind,
  ids: { owner: string; job: string; requestId: string; kind: string },
  rows: CopyValue[][],
  rejects: Reject[],
  lastLine: number,
  before: Promise<unknown>,
  language: Language,
  lookups: LookupLimits,
  dryRun = false,
  latest: () => boolean = () => true,
): Promise<{ inserted: number; updated: number; unchanged: number; rejects: Reject[] }> {
  const looked = idNumbersNamed(kind, rows);
  if (looked) await requireLookupLeft(client, caller, lookups, dryRun);
  // The previous batch failed: this one fails with its error, which is not this transaction's own abort.
  let beforeFailed = false;
  before.catch(() => (beforeFailed = true));
  const run = () => batchTransaction(client, caller, kind, ids, kind.beforeStage ? rows.map((r) => [...r]) : rows, rejects, lastLine, before, language, dryRun);
  const done = await retryCollisions(run, { own: () => !beforeFailed, again: latest });
  const { revealed, matched, ...written } = done;
  await auditLookups(client, caller, ids, { looked, counted: lookupsCounted(caller, looked, revealed), lookups }, matched, dryRun);
  return written;
}

/** One run of a batch's transaction (`writeBatch`): everything it reads and decides on is read or made here. */
async function batchTransaction(
  client: PoolClient,
  caller: Caller,
  kind: ImportKind,
  ids: { owner: string; job: string; requestId: string; kind: string },
  rows: CopyValue[][],
  rejects: Reject[],
  lastLine: number,
  before: Promise<unknown>,
  language: Language,
  dryRun: boolean,
): Promise<{ inserted: number; updated: number; unchanged: number; rejects: Reject[]; revealed: number; matched: { ids: number[]; elsewhere: number } }> {
  const looked = idNumbersNamed(kind, rows);
  await nativeBegin(client);
  try {
    // Also: commits that need not wait for WAL (a batch's rows and the job's mark are lost, and written again, together).
    await scopeClient(client, caller.jurisdiction, [
      [IMPORT_SUBJECT_SETTING, caller.subject],
      [IMPORT_ACTOR_SETTING, caller.name || caller.subject],
    ]);
    await batchSettings(client);
    let inserted = 0;
    let updated = 0;
    const all = [...rejects];
    // Rejects that say a number is registered outside the jurisdiction: lookups, counted in the caller's quota.
    const revealing = { rows: 0 };
    const matched = { ids: [] as number[], elsewhere: 0 };
    // Residents registered without a number (newborns) whose rows add the one issued (补录).
    const numbered: number[] = [];
    if (rows.length) {
      await kind.beforeStage?.(client, rows);
      await stageBatch(client, kind, rows);
      if (looked && !('residents' in kind && kind.residents)) Object.assign(matched, await namedResidents(client, ids.kind, kind.stage));
      const filled = (column: string) => {
        const at = kind.stage.findIndex(([c]) => c === column) + 1; // after `line`
        return at > 0 && rows.some((r) => r[at] != null);
      };
      const r = kind.batch
        ? await writeRows(client, kind, rows, filled, all, revealing, before, language, matched, numbered)
        : await writeStaged(client, kind, filled, all, revealing, before, language);
      inserted = r.inserted;
      updated = r.updated;
    }
    await before;
    const dropped = all.length - rejects.length;
    const unchanged = rows.length - dropped - inserted - updated;
    if (dryRun) {
      // Every rule ran and every write was made, and none of it is kept: the counts are what the import would do.
      await nativeRollback(client);
    } else {
      if (all.length) await recordRejects(client, ids.owner, ids.job, all);
      // An ID number written is audited as correctIdNumber's is, with the batch it is written in.
      if (numbered.length) {
        await auditTrail.insertNative(client, {
          subject: caller.subject,
          callerName: caller.name,
          callerJurisdiction: caller.jurisdiction,
          operation: `import ${ids.kind} ${ids.job}: idNumber added`,
          requestId: ids.requestId,
          recordType: 'Person',
          recordIds: numbered,
          fields: ['idNumber'],
          path: `/import/${ids.kind}`,
        });
      }
      await advancedJob(client, ids.owner, ids.job, lastLine, { inserted, updated, unchanged, rejected: all.length });
      await nativeCommit(client);
    }
    return { inserted, updated, unchanged, rejects: all.slice(rejects.length), revealed: revealing.rows, matched };
  } catch (e) {
    await nativeRollback(client).catch(() => {});
    if (isUniqueViolation(e)) {
      throw new HttpError(409, 'CONFLICT', {
        zh: `导入期间，第 ${lastLine} 行及之前的某条记录已被他人写入；该批次未写入。请再次运行导入以继续。`,
        en: `A record of lines up to ${lastLine} was written by someone else during the import; that batch was not written. Run the import again to resume.`,
      });
    }
    throw e;
  }
}

/**
 * A batch that names people by ID number runs only while the caller has a
 * lookup left (docs/ARCHITECTURE.md, "Lookup quota"); otherwise the import
 * stops before it, as RATE_LIMITED, to be run again (it resumes there) once
 * the window starts again. Decided before any row is looked at, so the stop
 * says nothing of the numbers: a file of guessed numbers, dry run or not,
 * would otherwise find whose they are in bulk. The rows a batch finds
 * registered outside the jurisdiction are counted after it (auditLookups).
 */
async function requireLookupLeft(client: PoolClient, caller: Caller, lookups: LookupLimits, dryRun: boolean): Promise<void> {
  const over = await lookupQuota.check(client, caller.subject, lookups);
  if (!over.length) return;
  const { said, extra } = lookupsRefused(over);
  // A dry run keeps no job to resume: run again, it checks the file from its start.
  throw new HttpError(
    429,
    'RATE_LIMITED',
    dryRun
      ? {
          zh: `${said.zh}试运行在此停止；届时再次试运行将从文件开头检查。`,
          en: `${said.en} The dry run stops here; run it again then and it checks the file from the start.`,
        }
      : { zh: `${said.zh}导入在此停止；届时再次运行即从此处继续。`, en: `${said.en} The import stops here; run it again then and it resumes from here.` },
    extra,
  );
}

/**
 * The lookups a batch spends of the caller's quota (docs/ARCHITECTURE.md, "Lookup quota"). A caller with `pii` reads
 * its jurisdiction's ID numbers anyway: only the rows told a number is registered outside it (`revealed`) count. A
 * caller without `pii` sees numbers masked, and a masked number with the birth date and sex it shows leaves some five
 * hundred candidates, which a file's answers would test: a row unchanged, rejected ("not the current version", "not
 * this resident's number") or written as a new resident each tells whether its number was registered. So every ID
 * number its rows name counts, as each registerPerson naming one does.
 */
function lookupsCounted(caller: Caller, looked: number, revealed: number): number {
  return hasScope(caller, 'pii') ? revealed : looked;
}

/** Whether a kind's rows may name people by ID number (an `…id_number` column, or a dispute's parties). */
const namesIdNumbers = (kind: ImportKind): boolean => kind.stage.some(([c]) => c.endsWith('id_number') || c === 'parties');

/** How many ID numbers a batch's rows name (every `…id_number` column, and a dispute's parties): each is a lookup. */
function idNumbersNamed(kind: ImportKind, rows: readonly CopyValue[][]): number {
  const columns = kind.stage.flatMap(([c], i) => (c.endsWith('id_number') ? [i + 1] : [])); // after `line`
  const parties = kind.stage.findIndex(([c]) => c === 'parties') + 1;
  let n = 0;
  for (const r of rows) {
    for (const i of columns) if (r[i] != null) n++;
    if (parties > 0 && typeof r[parties] === 'string') n += r[parties].split('"id_number"').length - 1;
  }
  return n;
}

/**
 * A file's rows that name people by ID number look them up, found or not:
 * the audit log records that as it records personByIdNumber's lookups
 * (idNumberLookup), whatever the caller's scopes, with the residents found
 * in the jurisdiction (in any kind's file). Otherwise what a row's answer says (new, unchanged,
 * "no such resident", "registered elsewhere") would test guessed numbers
 * unrecorded. Written after the batch ends, in a transaction of its own, so
 * a dry run (rolled back) is recorded too.
 */
async function auditLookups(
  client: PoolClient,
  caller: Caller,
  ids: { job: string; requestId: string; kind: string },
  { looked, counted, lookups }: { looked: number; counted: number; lookups: LookupLimits },
  matched: { ids: number[]; elsewhere: number },
  dryRun: boolean,
): Promise<void> {
  if (!looked) return;
  const operation = `import ${ids.kind} ${ids.job}${dryRun ? ' (dry run)' : ''}: ${looked} looked up by ID number${
    matched.ids.length ? `, ${matched.ids.length} found` : ''
  }${matched.elsewhere ? `, ${matched.elsewhere} registered outside the jurisdiction` : ''}`;
  await nativeBegin(client);
  try {
    await scopeClient(client, caller.jurisdiction);
    await auditTrail.insertNative(client, {
      subject: caller.subject,
      callerName: caller.name,
      callerJurisdiction: caller.jurisdiction,
      operation,
      requestId: ids.requestId,
      recordType: 'Person',
      recordIds: matched.ids,
      fields: ['idNumberLookup'],
      path: `/import/${ids.kind}`,
    });
    // The batch's lookups of the caller's quota (lookupsCounted; let through by requireLookupLeft).
    if (counted) await lookupQuota.count(client, caller.subject, counted, lookups);
    await nativeCommit(client);
  } catch (e) {
    await nativeRollback(client).catch(() => {});
    throw e;
  }
}

/** A kind whose checks delete from the stage and whose upsert writes the rest (disputes). */
async function writeStaged(
  client: PoolClient,
  kind: ImportKind,
  filled: (column: string) => boolean,
  all: Reject[],
  revealing: { rows: number },
  before: Promise<unknown>,
  language: Language,
): Promise<{ inserted: number; updated: number }> {
  if (kind.batch) throw new Error('writeStaged: a kind of the one write path');
  // Checks that only find rows through `prepare` are skipped when it found none, as are checks of a column no row fills.
  const prepared = await prepareBatch(client, kind);
  for (const check of kind.checks) {
    if ((check.afterPrepare && !prepared) || (check.onlyIfFilled && !filled(check.field))) continue;
    for (const { line, fields } of await rejectStaged(client, check)) {
      const r = ruleReject(check, language);
      // A case reported with other details: the columns that differ, as the form's CONFLICT lists them in `fields`.
      if (fields?.length) r.reason += language === 'zh' ? `（不同的列：${fields.join('、')}）` : ` (differing columns: ${fields.join(', ')})`;
      all.push({ line, ...r });
      if (check.revealsRegistration) revealing.rows++;
    }
  }
  // Upserts refresh roll-ups in their statement triggers, under the county locks: they wait their turn.
  return before.then(async () => {
    // Run as it is (a statement with its own data-modifying WITH cannot be nested in another) and counted here.
    const written = await upsertStaged(client, kind.upsert);
    const n = written.filter((w) => w.inserted).length;
    return { inserted: n, updated: written.length - n };
  });
}

/**
 * A kind of the one write path (docs/ARCHITECTURE.md, "One write path per
 * kind"): the batch's rows as they would be written (`n`), the mutations'
 * checks over them, each deleting the rows that break it (a check the batch
 * cannot break is skipped: a batch without households skips the household
 * rules), and the mutations' write. Residents keep the village roll-up by
 * deltas, and a batch of new residents only goes straight from the stage.
 */
async function writeRows(
  client: PoolClient,
  kind: ImportKind & RowKindSql,
  rows: CopyValue[][],
  filled: (column: string) => boolean,
  all: Reject[],
  revealing: { rows: number },
  before: Promise<unknown>,
  language: Language,
  matched: { ids: number[]; elsewhere: number },
  numbered: number[],
): Promise<{ inserted: number; updated: number }> {
  const residents = kind.residents;
  const known = residents ? await knownResidents(client, residents) : 0;
  if (known) Object.assign(matched, await matchedResidents(client));
  if (residents && known === 0 && newResidentsOnly(kind, residents, rows, filled)) {
    return writeWithRollupDelta(client, residents, before, 'fast');
  }
  // Every row lock from here on (the residents a row names, the households residents join, the rows written) waits
  // for the previous batch to commit: that batch may still need one of them (a household both batches' residents
  // join), and it would wait for this transaction inside PostgreSQL while this one waits for it on a Node promise,
  // a cycle PostgreSQL cannot see, until the statement timeout. What came before (staging, the ID numbers the hub
  // knows) only reads and still runs alongside the previous batch.
  await before;
  const counts = await materializeRows(client, kind.batch);
  const facts: BatchFacts = { filled, ...counts };
  await lockRows(client, kind.batch);
  for (const check of kind.batch.checks) {
    if (check.when && !check.when(facts)) continue;
    for (const bad of await rejectRows(client, check)) {
      const reason = bad.reason ? bad.reason[language] : `${bad.field} ${check.rule.reason[language]}`;
      all.push({ line: bad.line, field: bad.field, reason, code: check.rule.code, rule: check.rule.name });
      if (check.rule.name === idNumberElsewhere.name) revealing.rows++;
    }
  }
  if (residents) {
    numbered.push(...(await numberedResidents(client)));
    return writeWithRollupDelta(client, residents, before, counts);
  }
  return before.then(async () => {
    const written = await upsertRows(client, kind.batch);
    const n = written.filter((w) => w.inserted).length;
    return { inserted: n, updated: written.length - n };
  });
}

/** A batch whose residents are all new and need no check: no ID number the hub knows (checked first), no id, no link, every required field. */
function newResidentsOnly(kind: RowKindSql, writes: ResidentWrites, rows: CopyValue[][], filled: (column: string) => boolean): boolean {
  if (writes.checked.some(filled)) return false;
  const at = writes.required.map((c) => kind.stage.findIndex(([s]) => s === c) + 1);
  return rows.every((r) => at.every((i) => r[i] != null));
}

/**
 * The residents' writes with the village roll-up kept by deltas. The
 * statement trigger would recount every village the batch touches, which
 * costs the whole county's population per batch and made a 200,000-row load
 * slower with every batch. Inserted rows are instead added to their
 * villages' counts (residents, floating, tags); villages of updated rows
 * (both the one a resident left and the one they joined) and villages with no
 * roll-up row yet are recounted as before.
 *
 * The per-county roll-up lock is taken after the rows are written and before
 * the counts are touched. A recount that holds it first cannot see these
 * uncommitted rows, and the delta is then added on top of its result; one
 * that waits for it runs after this commit and counts them. Either way no
 * row is counted twice or missed, and the expensive writes run alongside the
 * previous batch's.
 *
 * The INSERT has no ON CONFLICT: rows whose ID number exists were updated
 * just before (or, for a batch of new residents only, none existed). If another writer registers one of these ID numbers in
 * between, the batch fails with a unique violation (reported as CONFLICT);
 * nothing of it is kept and running the import again resumes with it.
 */
async function writeWithRollupDelta(
  client: PoolClient,
  writes: ResidentWrites,
  before: Promise<unknown>,
  how: 'fast' | { targets: number; news: number },
): Promise<{ inserted: number; updated: number }> {
  await writeResidents(client, writes, how);
  await before;
  await lockWrittenCounties(client);
  return rollUpWritten(client);
}

/** PostgreSQL's unique_violation, as `pg` reports it. */
const isUniqueViolation = (e: unknown) => typeof e === 'object' && e !== null && 'code' in e && e.code === '23505';

export function importRoute(orm: MikroORM, trust: () => Promise<SubgraphTrust>, lookups: LookupLimits) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const { caller, requestId } = await routeIdentity(req, await trust());
    if (req.method !== 'POST') throw methodNotAllowed('POST', { zh: '请用 POST 把文件发送到 /import/<类型>。', en: 'POST the file to /import/<kind>.' });
    const name = /^\/import\/([a-z-]+)$/.exec(url.pathname)?.[1];
    const kind = name ? importKind(name) : undefined;
    const readOnly = name ? exportOnly(name) : undefined;
    if (readOnly) {
      throw new HttpError(404, 'NOT_FOUND', {
        zh: `${readOnly.zh}只能导出，不能导入：${readOnly.writtenBy.zh}。`,
        en: `${name} are exported only, never imported: ${readOnly.writtenBy.en}.`,
      });
    }
    if (!name || !kind) {
      const kinds = Object.keys(KINDS).join('|');
      throw new HttpError(404, 'NOT_FOUND', {
        zh: `导入地址：POST /import/<${kinds}>?job=<任务编号>&format=<csv|ndjson|xlsx>`,
        en: `Imports: POST /import/<${kinds}>?job=<id>&format=<csv|ndjson|xlsx>`,
      });
    }
    if (!hasScope(caller, 'write'))
      throw new HttpError(403, 'FORBIDDEN', { zh: `导入需要${scopeNamed('write')}权限。`, en: 'Imports need the "write" scope.' });
    const refused = departmentRefusal(caller);
    if (refused) throw new HttpError(403, 'FORBIDDEN', refused, { department: caller.department });
    // Rejects and errors are written in the caller's language (platform/language.ts).
    const language = preferredLanguage(req.headers['accept-language']);
    const opts = options(url, req);
    // A caller without `pii` spends a lookup on each ID number of its rows (lookupsCounted); batches of at most a
    // minute's quota, one at a time (each checks the quota its predecessor spent), keep a file of guesses from testing
    // more than one batch past the quota before it stops.
    const spendsLookups = !hasScope(caller, 'pii') && namesIdNumbers(kind);
    const batchSize = spendsLookups ? Math.min(opts.batch, lookups.perMinute) : opts.batch;
    const writers = spendsLookups ? 1 : WRITERS;
    // A workbook is a ZIP archive: its first bytes tell it from text, whatever format or content type the sender said.
    const body = await startsAsZip(req);
    if (body.zip) opts.format = 'xlsx';
    else if (opts.format === 'xlsx') {
      throw new HttpError(400, 'BAD_USER_INPUT', {
        zh: '文件不是 XLSX 工作簿（不以 ZIP 格式开头）；CSV 或 NDJSON 文件请去掉 format=xlsx 或相应的 content-type。',
        en: 'The file is not an XLSX workbook (it does not start as a ZIP archive); for a CSV or NDJSON file drop format=xlsx or that content type.',
      });
    }
    if (opts.sheet !== undefined && opts.format !== 'xlsx') {
      throw badParameter('sheet', { zh: 'sheet 只用于 XLSX 工作簿。', en: 'sheet applies to XLSX workbooks only.' });
    }
    // A file whose header names columns as the XLSX export labels them gets its rejects in those names too.
    const written = new Map<string, string>();
    // The file's columns, as its records show them: a reject names a column the file has, or says it lacks it.
    const present = new Set<string>();
    const twins = 'row' in kind ? (kind.row.twins ?? []) : [];
    const inFile = (x: Reject): Reject => {
      if (present.size === 0 || present.has(x.field) || !kind.columns.includes(x.field)) return x;
      const twin = twins.find((p) => p.includes(x.field))?.find((c) => c !== x.field);
      const prefixed = x.reason.startsWith(`${x.field} `);
      if (twin && present.has(twin)) return { ...x, field: twin, reason: prefixed ? `${twin}${x.reason.slice(x.field.length)}` : x.reason };
      return { ...x, reason: `${x.reason}${language === 'zh' ? `（文件中没有 ${x.field} 列）` : ` (the file has no ${x.field} column)`}` };
    };
    const asWritten = (given: Reject): Reject & { column?: string } => {
      const { problems, ...first } = given;
      // Each of a row's problems names its column as the first does.
      if (problems) return { ...asWritten(first), problems: problems.map((p) => asWritten({ ...p, line: given.line })).map(({ line: _, ...p }) => p) };
      const x = inFile(given);
      const column = written.get(x.field);
      if (column === undefined) return x;
      // A reason starts with the column's name, then a space or the quoted value (ethnicity“火星族”…).
      const named = x.reason.startsWith(x.field) && /^[\s“"（(:：]/.test(x.reason.slice(x.field.length));
      // The column's own gloss after its key (gender（性别）) is dropped: the file's header is that word already.
      const rest = x.reason.slice(x.field.length).replace(/^（[^）]*）/, '');
      return { ...x, column, reason: named ? `${column}（${x.field}）${rest}` : x.reason };
    };
    const labels = headerLabels(name, kind);
    // In Chinese a header refusal names each column by the header a sheet gives it too (网格代码（grid_code）), as the
    // refusal of an unknown column does.
    const labelOf = new Map<string, string>();
    for (const [label, key] of labels) if (!labelOf.has(key)) labelOf.set(key, label);
    const zhColumn = (key: string) => (labelOf.has(key) ? `${labelOf.get(key)}（${key}）` : key);
    const records =
      opts.format === 'xlsx'
        ? xlsxRecords(body.bytes, kind.columns, labels, written, opts.ignore, opts.sheet)
        : opts.format === 'csv'
          ? csvRecords(decodeText(body.bytes, opts.encoding), kind.columns, labels, written, opts.ignore)
          : ndjsonRecords(decodeText(body.bytes, opts.encoding), kind.columns, undefined, BOOLEAN_COLUMNS(kind), opts.ignore);
    const pool = await nativePool(orm);
    const leave = await takeTurn();
    const clients: PoolClient[] = [];
    try {
      clients.push(await pool.connect());
    } catch (e) {
      leave();
      throw e;
    }
    const client = clients[0]!;
    const started = performance.now();
    const send = async (event: Record<string, unknown>) => {
      if (!res.headersSent) res.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8', 'content-language': language });
      await writeChunk(res, `${JSON.stringify(event)}\n`);
    };
    let finish = async () => {};
    /** The job's state as this run moves it (how far it has committed), once opened. */
    let opened: Job | undefined;
    try {
      const owner = caller.subject;
      // A dry run is no job: it neither resumes one nor leaves one to resume.
      const { job, replay } = opts.dryRun
        ? { job: { committedLine: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0 }, replay: [] }
        : await openJob(client, owner, opts.job, name);
      opened = job;
      // Grids are reference data: checked in memory for every row rather than by a query per batch.
      const ctx = { caller, grids: new Set(await gridCodesUnder(client, caller.jurisdiction)) };
      const resumedAfter = job.committedLine;
      let skipped = 0;
      let rows: CopyValue[][] = [];
      let pending: Reject[] = [];
      // Keys of the batch being read and of the WRITERS - 1 before it, which may still be in flight: a repeat
      // across them would make two concurrent transactions write one row (or one ID number: a resident named by id
      // holds the number its row gives too, `heldKey`). Earlier batches have committed.
      let keys = new Map<string, number>();
      // The ID numbers rows naming their resident by id give (`heldKey`), of the batch being read.
      let heldKeys = new Map<string, number>();
      const recentKeys: Map<string, number>[] = [];
      let lastLine = job.committedLine;
      let headerChecked = opts.format === 'ndjson';
      let processed = 0; // lines handled in this run (not counting those skipped on resume)
      // Batches are written on up to WRITERS connections at once while the next is read and checked; a
      // connection is taken when a batch first needs it, so a small file holds one.
      const inflight: Promise<void>[] = [Promise.resolve()];
      let last: Promise<void> = Promise.resolve();
      let slot = 0;
      // Batches handed to a writer so far: one may run again after an abort only while it is the last (writeBatch).
      let handed = 0;
      const write = async (on: PoolClient, batchRows: CopyValue[][], batchRejects: Reject[], line: number, before: Promise<void>) => {
        const number = ++handed;
        const r = await writeBatch(
          on,
          caller,
          kind,
          { owner, job: opts.job, requestId, kind: name },
          batchRows,
          batchRejects,
          line,
          before,
          language,
          lookups,
          opts.dryRun,
          () => number === handed,
        );
        for (const x of [...batchRejects, ...r.rejects].sort((a, b) => a.line - b.line)) await send({ type: 'reject', ...asWritten(x) });
        job.inserted += r.inserted;
        job.updated += r.updated;
        job.unchanged += r.unchanged;
        job.rejected += batchRejects.length + r.rejects.length;
        job.committedLine = line;
        processed += batchRows.length + batchRejects.length;
        const seconds = (performance.now() - started) / 1000;
        await send({ type: 'progress', line, ...job, skipped, rowsPerSecond: Math.round(processed / seconds) });
      };
      const flush = async () => {
        if (slot === clients.length) {
          clients.push(await pool.connect());
          inflight.push(Promise.resolve());
        }
        await inflight[slot]; // the batch that last used this connection (and, before it, every earlier one)
        last = write(clients[slot]!, rows, pending, lastLine, last);
        last.catch(() => {}); // awaited below; this only keeps an early failure from being reported as unhandled
        inflight[slot] = last;
        slot = (slot + 1) % writers;
        rows = [];
        pending = [];
        recentKeys.push(heldKeys.size ? new Map([...heldKeys, ...keys]) : keys);
        if (recentKeys.length >= writers) recentKeys.shift();
        keys = new Map();
        heldKeys = new Map();
      };
      const settled = () => Promise.all(inflight);
      finish = () => Promise.allSettled(inflight).then(() => {});
      // The rejects of the run being resumed go out once the file's header is read, so they name its columns as it does.
      let toReplay = replay;
      const replayRejects = async () => {
        for (const x of toReplay) await send({ type: 'reject', ...asWritten(x), replayed: true });
        toReplay = [];
      };
      for await (const batch of records) {
        await replayRejects();
        for (const rec of batch) {
          // A record refused as a row (too long, not JSON, a field of the wrong JSON type) may show only some of the
          // file's columns: the header is judged by the first record read whole.
          // A CSV's records all carry its header's columns; each NDJSON line names its own.
          if (!rec.error && (present.size === 0 || opts.format === 'ndjson')) for (const f in rec.fields) present.add(f);
          if (!headerChecked && !rec.error) {
            const missing = kind.required.filter((c) => !(c in rec.fields));
            if (missing.length) {
              throw new TabularError(
                {
                  zh: `表头缺少必需的列：${missing.map(zhColumn).join('、')}。`,
                  en: `The header lacks required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}.`,
                },
                { rule: 'columnMissing', columns: missing },
              );
            }
            // The record a row changes is named by its id or by its natural key: the header needs one of them.
            const keys = kind.keyColumns;
            if (keys && !keys.some((set) => set.every((c) => c in rec.fields))) {
              throw new TabularError(
                {
                  zh: `表头须含有指明记录的列：${keys.map((set) => set.map(zhColumn).join(' + ')).join(' 或 ')}。`,
                  en: `The header needs the columns that name a record: ${keys.map((set) => set.join(' + ')).join(' or ')}.`,
                },
                // Each set of columns that names a record, any one of which the header needs.
                { rule: 'keyColumnsMissing', keys },
              );
            }
            headerChecked = true;
          }
          if (rec.line <= resumedAfter) {
            skipped++;
            continue;
          }
          lastLine = rec.line;
          if (rec.error) {
            const why = rec.error.reason;
            const reason = language === 'en' ? `line ${why.en}`.replace(/^line (is|has)/, 'the line $1') : `该行${why.zh}`;
            pending.push({ line: rec.line, field: rec.error.field, reason, code: 'BAD_USER_INPUT', rule: rec.error.rule });
            continue;
          }
          // Each NDJSON line names its own fields (a CSV's header names them once, checked above): a line without a
          // required one is refused saying so, not as if it had sent the field empty.
          const absent = opts.format === 'ndjson' ? kind.required.filter((c) => !(c in rec.fields)) : [];
          if (absent.length) {
            const reason =
              language === 'en'
                ? `the line lacks required field${absent.length > 1 ? 's' : ''} ${absent.join(', ')}`
                : `该行缺少必需的字段：${absent.join(', ')}`;
            pending.push({ line: rec.line, field: absent[0]!, reason, code: 'BAD_USER_INPUT', rule: 'required' });
            continue;
          }
          // PostgreSQL cannot store a NUL, nor a reject quoting one: the line is refused before any field rule runs.
          const nul = Object.keys(rec.fields).find((f) => rec.fields[f]?.includes('\u0000'));
          if (nul !== undefined) {
            const field = nul.replaceAll('\u0000', '');
            pending.push(
              rejectOf(
                rec.line,
                badInput(
                  { zh: `${field} 含有 NUL 字符（\\u0000）。`, en: `${field} holds a NUL character (\\u0000).` },
                  { argument: field, rule: 'nulCharacter' },
                ),
                '',
                language,
              ),
            );
            continue;
          }
          let values: CopyValue[];
          try {
            values = kind.parse(rec.fields, ctx);
          } catch (e) {
            pending.push(withProblems(rejectOf(rec.line, e, '', language), rec.fields, (f) => kind.parse(f, ctx), language));
            continue;
          }
          const key = kind.key(values);
          const held = kind.heldKey?.(values);
          const inFlight = (k: string) => {
            let first: number | undefined;
            for (const m of recentKeys) first ??= m.get(k);
            return first;
          };
          const byKey = keys.get(key) ?? inFlight(key);
          // A number held only in this batch is the database's to judge, in one transaction (two rows giving one
          // number to two residents are both refused, alreadyRegistered); only another batch in flight must not
          // write it alongside.
          const byHeld = byKey === undefined && held ? inFlight(held.key) : undefined;
          const first = byKey ?? byHeld;
          if (first !== undefined) {
            // Named by the column the row keyed its record with: its id, or the natural key's own column (`keyColumns`),
            // in the reason too, so that the column reads as the file's header wrote it (`asWritten`), as other rejects'.
            // A key another row holds besides its own (`heldKey`) is named by its column.
            const field = byHeld !== undefined ? held!.field : key.startsWith('id:') ? 'id' : (kind.keyColumns?.at(-1)?.[0] ?? kind.columns[0]!);
            const reason = language === 'en' ? `${field} repeats the key of line ${first}` : `${field} 与第 ${first} 行的键重复`;
            pending.push({ line: rec.line, field, reason, code: 'BAD_USER_INPUT', rule: repeated.name });
            continue;
          }
          keys.set(key, rec.line);
          if (held && !heldKeys.has(held.key)) heldKeys.set(held.key, rec.line);
          rows.push([rec.line, ...values]);
          // Cut at the row, not at the end of what the stream handed over: a small file comes as one piece.
          if (rows.length >= batchSize) await flush();
        }
        if (res.destroyed) throw new Error('client went away');
      }
      await replayRejects();
      await settled();
      if (rows.length || pending.length || lastLine > job.committedLine) {
        await flush();
        await settled();
      }
      if (!opts.dryRun) await finishedJob(client, owner, opts.job);
      const seconds = (performance.now() - started) / 1000;
      await send({
        type: 'done',
        job: opts.job,
        kind: name,
        ...(opts.dryRun ? { dryRun: true } : {}),
        ...job,
        skipped,
        resumedAfter,
        seconds: Math.round(seconds * 1000) / 1000,
        rowsPerSecond: Math.round(processed / seconds),
      });
      res.end();
    } catch (e) {
      // Batches already handed to a writer end first: each commits and reports its progress (which starts the NDJSON
      // answer), or rolls back. Only then is it known whether the error can still be the whole answer's status.
      await finish();
      // A database that went away or a statement cancelled past its limit mid-file: said as an NDJSON error with the
      // line to resume after, as every refusal is, rather than a dropped connection.
      const err = e instanceof TabularError ? new HttpError(400, 'BAD_USER_INPUT', e.said, e.extra) : (databaseRefusal(e) ?? e);
      if (err instanceof HttpError && !res.headersSent) throw err;
      if (!res.destroyed && err instanceof HttpError) {
        // Lines up to committedLine are written; the same job id resumes after them once the file is mended. A dry run
        // wrote none and keeps no job to resume.
        const committedLine = opts.dryRun ? 0 : (opened?.committedLine ?? 0);
        await send({ type: 'error', code: err.code, message: err.said[language], ...err.extra, committedLine });
        res.end();
        return;
      }
      throw err;
    } finally {
      await finish(); // a batch still being written ends (commits or rolls back) before its connection is returned
      for (const c of clients) c.release();
      leave();
    }
  };
}
