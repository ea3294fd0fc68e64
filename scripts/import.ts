/**
 * Bulk import through the running hub's gateway:
 *   npm run import -- <kind> <file> [--token T] [--url http://127.0.0.1:4000] [--format csv|ndjson|xlsx]
 *                     [--encoding utf-8|gb18030|gbk] [--sheet 名称] [--ignore 序号,备注] [--job id] [--rejects file] [--batch n] [--lang zh|en] [--strict] [--dry-run]
 * Kinds: residents, households, houses, addresses, sites, joint-defense-groups, patrol-teams, disputes,
 * grid-staff, mediation-committees, mediators.
 * The token (or HUB_TOKEN) needs the "write" scope; rows outside its jurisdiction are rejected. The gateway is --url, else
 * HUB_URL, else http://127.0.0.1:$GATEWAY_PORT (4000); only its origin is used. Paths are read against the folder npm
 * was run in (INIT_CWD). gbk, cp936 and gb2312 are read as GB18030, which holds them. An Excel or WPS workbook
 * (.xlsx) is sent as it is: its first sheet, or the one --sheet names, is read by the hub cell by cell.
 * Without --encoding, the file is first read through to tell UTF-8 from GB18030 (all of it, where the hub would look
 * at its first 64 kB), and sent declared so. The file is streamed; progress goes to stderr; rejected lines go to <file>.rejects.csv
 * (line, field, code, reason, rule), and no such file is left when none is. Exit codes: 0 done, 1 the import could not
 * run or ended early, 3 done with rejected rows under --strict (for scripts that must not go on). The job id defaults to one derived from the kind and the file's path,
 * size and modification time, so running the same command again after an interruption resumes.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, statSync, unlinkSync } from 'node:fs';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { csvCell, wholeFileEncoding } from '../platform/tabular.ts';
import { commandArgs, userPath } from './lib/args.ts';

const CONTENT_TYPES: Record<string, string> = {
  ndjson: 'application/x-ndjson',
  csv: 'text/csv',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

const USAGE =
  'npm run import -- <kind> <file> [--token T] [--url U] [--format csv|ndjson|xlsx] [--encoding utf-8|gb18030|gbk] [--sheet 名称] [--ignore 序号,备注] [--job id] [--rejects file] [--batch n] [--lang zh|en] [--strict] [--dry-run] [--quiet]\n' +
  'kinds: residents, households, houses, addresses, sites, joint-defense-groups, patrol-teams, disputes, grid-staff, mediation-committees, mediators';
const { values, positionals } = commandArgs(
  'npm run import',
  USAGE,
  {
    token: { type: 'string' },
    url: { type: 'string' },
    format: { type: 'string' },
    encoding: { type: 'string' },
    sheet: { type: 'string' },
    ignore: { type: 'string' },
    job: { type: 'string' },
    rejects: { type: 'string' },
    batch: { type: 'string' },
    lang: { type: 'string' },
    quiet: { type: 'boolean', default: false },
    strict: { type: 'boolean', default: false },
    'dry-run': { type: 'boolean', default: false },
  },
  true,
);

// The language of what this command and the hub say (reasons, errors): --lang, else English for an English locale,
// else Chinese.
const locale = process.env.LC_ALL || process.env.LC_MESSAGES || process.env.LANG || '';
const lang = values.lang === 'en' || values.lang === 'zh' ? values.lang : /^en/i.test(locale) ? 'en' : 'zh';
const say = (zh: string, en: string) => (lang === 'en' ? en : zh);

function fail(message: string): never {
  console.error(`import: ${message}`);
  process.exit(1);
}

const [kind, file] = positionals;
if (values.lang !== undefined && values.lang !== 'en' && values.lang !== 'zh') fail(`--lang 应为 zh 或 en / --lang: zh or en, not ${values.lang}`);
if (!kind || !file) fail(say(`用法：${USAGE}`, `usage: ${USAGE}`));
const token = values.token ?? process.env.HUB_TOKEN;
if (!token)
  fail(
    say(
      '需要具有“write”权限的调用方令牌：--token 或 HUB_TOKEN（用 npm run token 生成）',
      'a caller token with the "write" scope is required: --token or HUB_TOKEN (mint one with npm run token)',
    ),
  );
const path = userPath(file);
let stat;
try {
  stat = statSync(path);
} catch {
  fail(say(`无法读取 ${path}`, `cannot read ${path}`));
}
const format = values.format ?? (/\.(nd)?jsonl?$/i.test(path) ? 'ndjson' : /\.xlsx$/i.test(path) ? 'xlsx' : 'csv');
const job = values.job ?? createHash('sha256').update(`${kind}\n${path}\n${stat.size}\n${stat.mtimeMs}`).digest('hex').slice(0, 32);
const base = values.url ?? process.env.HUB_URL ?? `http://127.0.0.1:${process.env.GATEWAY_PORT ?? 4000}`;
const url = new URL(`/import/${kind}`, base);
url.searchParams.set('job', job);
url.searchParams.set('format', format);
// The hub tells a file's encoding from its first 64 kB, which a county system's export may fill with codes and numbers
// before its first Chinese row; this command has the whole file, so it decides from all of it and says so.
// A workbook has no text encoding to tell: its cells are read from it as they are.
const encoding =
  format === 'xlsx'
    ? undefined
    : (values.encoding ?? (await wholeFileEncoding(createReadStream(path)).catch(() => fail(say(`无法读取 ${path}`, `cannot read ${path}`)))));
if (encoding) url.searchParams.set('encoding', encoding);
if (values.sheet !== undefined) url.searchParams.set('sheet', values.sheet);
if (values.batch) url.searchParams.set('batch', values.batch);
if (values.ignore) url.searchParams.set('ignore', values.ignore);
// Every rule and write runs and is rolled back: the rejects and counts of a real run, nothing kept.
if (values['dry-run']) url.searchParams.set('dryRun', 'true');

const res = await fetch(url, {
  method: 'POST',
  headers: { authorization: `Bearer ${token}`, 'content-type': CONTENT_TYPES[format] ?? 'text/csv', 'accept-language': lang },
  body: Readable.toWeb(createReadStream(path)),
  duplex: 'half',
} as RequestInit).catch((e: Error) => {
  const why = e.cause instanceof Error ? e.cause.message : e.message;
  return fail(say(`无法连接 ${base} 的枢纽：${why}`, `cannot reach the hub at ${base}: ${why}`));
});
if (!res.ok || !res.body) {
  const body = (await res.json().catch(() => null)) as { errors?: { message: string; extensions?: { code?: string } }[] } | null;
  const e = body?.errors?.[0];
  fail(`${res.status} ${e?.extensions?.code ?? ''} ${e?.message ?? say(`枢纽答以 HTTP ${res.status}`, res.statusText)}`);
}

/** One line of the hub's NDJSON answer. */
type ImportEvent =
  | {
      type: 'reject';
      line: number;
      field: unknown;
      code?: unknown;
      reason: unknown;
      rule?: unknown;
      problems?: { field: unknown; code?: unknown; reason: unknown; rule?: unknown }[];
    }
  | { type: 'progress'; line: number; inserted: number; updated: number; unchanged: number; rejected: number; rowsPerSecond: number }
  | ({ type: 'done' } & Record<string, unknown>)
  | { type: 'error'; code: string; message: string; committedLine?: number };

const rejectsPath = values.rejects !== undefined ? userPath(values.rejects) : `${path}.rejects.csv`;
const rejects = createWriteStream(rejectsPath);
rejects.write('\uFEFFline,field,code,reason,rule\n');
let rest = '';
let done: Record<string, unknown> | null = null;
let rejected = 0;
const decoder = new TextDecoder();
// fetch's body is the same WHATWG stream node:stream/web declares under its own type.
for await (const chunk of Readable.fromWeb(res.body as NodeReadableStream<Uint8Array>)) {
  const lines = (rest + decoder.decode(chunk, { stream: true })).split('\n');
  rest = lines.pop()!;
  for (const line of lines) {
    if (!line) continue;
    const ev = JSON.parse(line) as ImportEvent;
    if (ev.type === 'reject') {
      rejected++;
      // A row whose fields break several rules gets a line for each, under its line number, the first problem first.
      for (const p of ev.problems ?? [ev]) {
        rejects.write(`${ev.line},${csvCell(p.field)},${csvCell(p.code ?? '')},${csvCell(p.reason)},${csvCell(p.rule ?? '')}\n`);
      }
    } else if (ev.type === 'progress') {
      if (!values.quiet) {
        console.error(
          say(
            `第 ${ev.line} 行：新增 ${ev.inserted}，更新 ${ev.updated}，未变 ${ev.unchanged}，拒收 ${ev.rejected}，每秒 ${ev.rowsPerSecond} 行`,
            `line ${ev.line}: ${ev.inserted} new, ${ev.updated} updated, ${ev.unchanged} unchanged, ${ev.rejected} rejected, ${ev.rowsPerSecond} rows/s`,
          ),
        );
      }
    } else if (ev.type === 'done') {
      done = ev;
    } else if (ev.type === 'error') {
      rejects.end();
      // The default job id follows the file's size and time, which mending it changes: the resume needs the id itself.
      // A resume goes on after the line number it reached: lines added or removed above it would shift what follows.
      const kept = ev.committedLine
        ? say(
            `；第 ${ev.committedLine} 行及之前已写入。请只修正其后的行（不要增删此前的行），再加 --job ${job} 运行同一命令，从第 ${ev.committedLine + 1} 行继续`,
            `; lines up to ${ev.committedLine} are written. Mend only the lines after them (add or remove none before), then run the command again with --job ${job} to resume at line ${ev.committedLine + 1}`,
          )
        : '';
      fail(`${ev.code}: ${kept ? ev.message.replace(/[。.]$/, '') : ev.message}${kept}`);
    }
  }
}
await new Promise((r) => rejects.end(r));
if (!rejected) unlinkSync(rejectsPath);
if (!done)
  fail(
    say(
      `枢纽在导入完成前结束了它；再次运行同一命令（或加 --job ${job}）即可继续`,
      `the hub ended the import before it finished; run the same command again (or with --job ${job}) to resume`,
    ),
  );
console.log(JSON.stringify({ ...done, rejectsFile: rejected ? rejectsPath : null }));
if (values.strict && rejected) {
  console.error(
    `import: ${say(
      `拒收 ${rejected} 行（见 ${rejectsPath}）；--strict 以退出码 3 结束`,
      `${rejected} row${rejected === 1 ? '' : 's'} rejected (see ${rejectsPath}); --strict ends with exit code 3`,
    )}`,
  );
  process.exit(3);
}
