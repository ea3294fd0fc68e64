/**
 * The shape of the code base, checked from its source (no database): who may
 * import whom (docs/ARCHITECTURE.md), no import cycles, and no SQL in resolver
 * files. Every relative import of platform/, domain/, seed/, gateway/,
 * subgraphs/ and scripts/ (static, `export ... from`, dynamic `import()`,
 * `import type` too) is read with the TypeScript parser and resolved to a file.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TOP = ['platform', 'domain', 'seed', 'gateway', 'subgraphs', 'scripts'];
const SKIP_DIRS = new Set(['generated', 'node_modules']);

/** A path relative to the repository root, with forward slashes. */
const rel = (abs: string) => relative(ROOT, abs).split(sep).join('/');

function tsFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) out.push(...tsFiles(path));
    } else if (entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

interface Import {
  /** The importing file, relative to the root. */
  from: string;
  line: number;
  specifier: string;
  /** `import type` / `export type` / `import('x').T` in a type: erased before run time. */
  typeOnly: boolean;
  /** The imported file relative to the root, or null when nothing on disk matches. */
  to: string | null;
}

/** Resolves a relative specifier the way Node does for this project (explicit `.ts` extensions), with the usual fallbacks. */
function resolveSpecifier(fromAbs: string, specifier: string): string | null {
  const base = resolve(dirname(fromAbs), specifier);
  const candidates = [base, base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts')];
  for (const c of candidates) if (existsSync(c) && statSync(c).isFile()) return rel(c);
  return null;
}

/** Every relative import of one file. */
function importsOf(abs: string): Import[] {
  const source = ts.createSourceFile(abs, readFileSync(abs, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: Import[] = [];
  const add = (node: ts.Node, specifier: string, typeOnly: boolean) => {
    if (!specifier.startsWith('.')) return;
    const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
    found.push({ from: rel(abs), line, specifier, typeOnly, to: resolveSpecifier(abs, specifier) });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node, node.moduleSpecifier.text, node.importClause?.isTypeOnly ?? false);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node, node.moduleSpecifier.text, node.isTypeOnly);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg && ts.isStringLiteralLike(arg)) add(node, arg.text, false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node, node.argument.literal.text, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const FILES = TOP.flatMap((d) => tsFiles(join(ROOT, d)))
  .map(rel)
  .sort();
const IMPORTS = FILES.flatMap((f) => importsOf(join(ROOT, f)));
/** Imports that land on a file of the scanned tree, as edges of the import graph. */
const EDGES = IMPORTS.filter((i): i is Import & { to: string } => i.to !== null && FILES.includes(i.to));

const describeImport = (i: Import) => `${i.from}:${i.line} imports ${i.specifier}${i.typeOnly ? ' (type only)' : ''}`;
const under = (path: string, dir: string) => path.startsWith(`${dir}/`);
/** The subgraph a file belongs to (subgraphs/<name>/...), if any. */
const subgraphOf = (path: string) => /^subgraphs\/([^/]+)\//.exec(path)?.[1];

/**
 * Every import cycle, one per strongly connected component (Tarjan), each
 * shown as the shortest path from the component's first file back to itself.
 */
function importCycles(files: readonly string[], edges: readonly { from: string; to: string }[]): string[] {
  const next = new Map<string, string[]>(files.map((f) => [f, []]));
  for (const e of edges) next.get(e.from)?.push(e.to);
  for (const list of next.values()) list.sort();
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let counter = 0;
  // Iterative Tarjan, so a deep import chain cannot overflow the call stack.
  for (const root of files) {
    if (index.has(root)) continue;
    const work: { node: string; i: number }[] = [{ node: root, i: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length) {
      const top = work.at(-1)!;
      const targets = next.get(top.node) ?? [];
      if (top.i < targets.length) {
        const to = targets[top.i++]!;
        if (!index.has(to)) {
          index.set(to, counter);
          low.set(to, counter++);
          stack.push(to);
          onStack.add(to);
          work.push({ node: to, i: 0 });
        } else if (onStack.has(to)) low.set(top.node, Math.min(low.get(top.node)!, index.get(to)!));
        continue;
      }
      work.pop();
      const parent = work.at(-1);
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(top.node)!));
      if (low.get(top.node) === index.get(top.node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== top.node);
        const selfLoop = component.length === 1 && (next.get(top.node) ?? []).includes(top.node);
        if (component.length > 1 || selfLoop) components.push(component.sort());
      }
    }
  }
  return components
    .map((component) => {
      const inside = new Set(component);
      const start = component[0]!;
      // Breadth-first from start, inside the component, until an edge leads back to start.
      const cameFrom = new Map<string, string>();
      const queue = [start];
      for (let q = 0; q < queue.length; q++) {
        const node = queue[q]!;
        for (const to of next.get(node) ?? []) {
          if (to === start) {
            const path = [start];
            for (let at: string | undefined = node; at !== undefined && at !== start; at = cameFrom.get(at)) path.splice(1, 0, at);
            return [...path, start].join(' → ');
          }
          if (inside.has(to) && !cameFrom.has(to) && to !== start) {
            cameFrom.set(to, node);
            queue.push(to);
          }
        }
      }
      return component.join(' → ');
    })
    .sort();
}

describe('imports', () => {
  it('finds the source it checks', () => {
    expect(FILES.length).toBeGreaterThan(100);
    expect(FILES.some((f) => f.includes('/generated/'))).toBe(false);
    expect(EDGES.length).toBeGreaterThan(100);
  });

  it('every relative import resolves to a file', () => {
    expect(IMPORTS.filter((i) => i.to === null).map(describeImport)).toEqual([]);
  });

  it('(a) have no cycle anywhere (import type included)', () => {
    expect(importCycles(FILES, EDGES)).toEqual([]);
  });

  it('(b) nothing under gateway/ imports subgraphs/', () => {
    expect(EDGES.filter((e) => under(e.from, 'gateway') && under(e.to, 'subgraphs')).map(describeImport)).toEqual([]);
  });

  it('(c) no subgraph imports another subgraph', () => {
    const across = EDGES.filter((e) => {
      const a = subgraphOf(e.from);
      const b = subgraphOf(e.to);
      return a !== undefined && b !== undefined && a !== b;
    });
    expect(across.map(describeImport)).toEqual([]);
  });

  it('(d) platform/ and domain/ import nothing from gateway/, subgraphs/, seed/ or scripts/', () => {
    const upward = EDGES.filter(
      (e) => (under(e.from, 'platform') || under(e.from, 'domain')) && ['gateway', 'subgraphs', 'seed', 'scripts'].some((d) => under(e.to, d)),
    );
    expect(upward.map(describeImport)).toEqual([]);
  });

  /**
   * (e) domain/ is the bottom floor: its rules and their typed errors
   * (domain/errors.ts) need nothing of platform/, which builds on them.
   */
  it('(e) domain/ imports nothing from platform/', () => {
    const down = EDGES.filter((e) => under(e.from, 'domain') && under(e.to, 'platform'));
    expect(down.map(describeImport)).toEqual([]);
  });
});

/** SQL in a string or template literal: a statement's keywords, or a fragment of one. */
const SQL_PATTERNS: RegExp[] = [
  /\b(select|insert\s+into|update\s+\w+\s+set|delete\s+from)\b/i,
  /\bwhere\s+[a-z_][\w.]*\s*(=|<>|!=|<|>|\?|\$\d|\bin\b|\blike\b|\bis\b|\bbetween\b|\bany\b)/i,
  /\b(order|group)\s+by\b/i,
  /\bjoin\s+[a-z_]\w*(\s+[a-z_]\w*)?\s+on\b/i,
  /\bon\s+conflict\b/i,
  /\breturning\s+(\*|[a-z_])/i,
];

/** Text of every string and template literal of a file (template holes shown as `?`), with its line. */
function literalsOf(abs: string): { line: number; text: string }[] {
  const source = ts.createSourceFile(abs, readFileSync(abs, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out: { line: number; text: string }[] = [];
  const at = (node: ts.Node) => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) return;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) out.push({ line: at(node), text: node.text });
    else if (ts.isTemplateExpression(node)) {
      out.push({ line: at(node), text: [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join('?') });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

describe('resolvers', () => {
  const RESOLVERS = FILES.filter((f) => /^subgraphs\/[^/]+\/src\/resolvers\//.test(f));

  it('exist where the check looks for them', () => {
    expect(RESOLVERS.length).toBeGreaterThan(10);
  });

  it('(f) hold no SQL text: statements live in stores (subgraphs/<level>/src/store/)', () => {
    const found = RESOLVERS.flatMap((f) =>
      literalsOf(join(ROOT, f))
        .filter((l) => SQL_PATTERNS.some((p) => p.test(l.text)))
        .map((l) => `${f}:${l.line}: ${l.text.replace(/\s+/g, ' ').trim().slice(0, 120)}`),
    );
    expect(found).toEqual([]);
  });
});

describe('the checks themselves', () => {
  it('find a cycle, with its path, and only cycles', () => {
    const files = ['a.ts', 'b.ts', 'c.ts', 'd.ts', 'e.ts'];
    const edges = [
      { from: 'a.ts', to: 'b.ts' },
      { from: 'b.ts', to: 'c.ts' },
      { from: 'c.ts', to: 'a.ts' },
      { from: 'c.ts', to: 'd.ts' },
      { from: 'e.ts', to: 'e.ts' },
    ];
    expect(importCycles(files, edges)).toEqual(['a.ts → b.ts → c.ts → a.ts', 'e.ts → e.ts']);
    expect(importCycles(files, edges.slice(0, 2))).toEqual([]);
  });

  it('recognise SQL statements and fragments, and not prose', () => {
    for (const sql of [
      'select * from person where id in (?)',
      'insert into hazard (id) values (?)',
      'update person set name = ?',
      ' where village_code = ?',
      'order by id',
      'join grid g on g.code = p.grid_code',
      'on conflict do nothing',
    ]) {
      expect(
        SQL_PATTERNS.some((p) => p.test(sql)),
        sql,
      ).toBe(true);
    }
    for (const prose of ['Division 62 is outside your jurisdiction.', 'The case was updated by someone else; reload it.', 'allowed now: accept']) {
      expect(
        SQL_PATTERNS.some((p) => p.test(prose)),
        prose,
      ).toBe(false);
    }
  });

  it('see the statements of the store modules', () => {
    const stores = FILES.filter((f) => /^subgraphs\/[^/]+\/src\/store\//.test(f));
    const withSql = stores.filter((f) => literalsOf(join(ROOT, f)).some((l) => SQL_PATTERNS.some((p) => p.test(l.text))));
    expect(withSql.length).toBeGreaterThan(10);
  });
});

/**
 * The suite runs its files one after another in one process (vitest.config.ts, `isolate: false`), so whatever a
 * file changes in the process stays for the files after it. These are the ways a test file could change it.
 */
const LEAKS = [
  /\bvi\s*\.\s*(mock|doMock|stubEnv|stubGlobal|useFakeTimers|setSystemTime|spyOn)\b/,
  /\bprocess\.env(\.\w+|\[[^\]]+\])\s*(=(?!=)|\?\?=|\|\|=)/,
  /\bdelete\s+process\.env\b/,
  /\bObject\.assign\(\s*process\.env\b/,
];

/**
 * Ways a test file could make a folder or file in the temp folder itself, which then stays there when the file forgets
 * to remove it, or when a filter (`-t`) skips the hooks that would have. Test files make their scratch folders with
 * tests/helpers/scratch.ts, which removes them; the suite's own PostgreSQL and type-check folders (tests/setup/global.ts)
 * are removed by its teardown.
 */
const TEMP_WRITES = [/\btmpdir\s*\(/, /['"`]\/tmp(?:\/|['"`])/, /\bTMPDIR\b/];
const TEMP_MAKERS = new Set(['tests/helpers/scratch.ts', 'tests/setup/global.ts']);

describe('test files', () => {
  const self = rel(fileURLToPath(import.meta.url));
  const testFiles = tsFiles(join(ROOT, 'tests')).filter((f) => rel(f) !== self);

  it('make their temp folders with tests/helpers/scratch.ts, which removes them', () => {
    const found = testFiles
      .filter((f) => !TEMP_MAKERS.has(rel(f)))
      .flatMap((f) =>
        readFileSync(f, 'utf8')
          .split('\n')
          .flatMap((line, i) => (TEMP_WRITES.some((p) => p.test(line)) ? [`${rel(f)}:${i + 1}: ${line.trim()}`] : [])),
      );
    expect(found).toEqual([]);
    expect(TEMP_WRITES.some((p) => p.test("mkdtempSync(join(tmpdir(), 'hub-import-'))"))).toBe(true);
    expect(TEMP_WRITES.some((p) => p.test("writeFileSync('/tmp/rejects.csv', text)"))).toBe(true);
    expect(TEMP_WRITES.some((p) => p.test("const dir = testScratch('hub-rules-');"))).toBe(false);
  });

  it('leave the process as they found it: no module mocks, stubbed environment or fake clock', () => {
    expect(testFiles.length).toBeGreaterThan(40);
    const found = testFiles.flatMap((f) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .flatMap((line, i) => (LEAKS.some((p) => p.test(line)) ? [`${rel(f)}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(found).toEqual([]);
  });

  it('the check sees each of those', () => {
    for (const line of [
      "vi.mock('../platform/orm.ts')",
      "vi.stubEnv('HUB_LOG_LEVEL', 'debug')",
      'vi.useFakeTimers()',
      "process.env.HUB_DATA_DIR = '/tmp/x'",
      "process.env['HUB_PG_PORT'] = '1'",
      'delete process.env.HUB_DATA_DIR',
      'Object.assign(process.env, env)',
    ]) {
      expect(
        LEAKS.some((p) => p.test(line)),
        line,
      ).toBe(true);
    }
    for (const line of ['spawn(node, [], { env: { ...process.env, HUB_DATA_DIR: dir } })', 'if (process.env.CI === "true") return']) {
      expect(
        LEAKS.some((p) => p.test(line)),
        line,
      ).toBe(false);
    }
  });
});

/** Every text file of the repository that may cite the architecture document (code, schema, docs, settings). */
function citingFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name) && !entry.name.startsWith('.') && entry.name !== 'test-artifacts') out.push(...citingFiles(path));
      // This file's own examples of the check's input are not citations.
    } else if (entry.isFile() && /\.(ts|js|md|graphql|yml|html|css|sql|sh)$/.test(entry.name) && path !== fileURLToPath(import.meta.url)) out.push(path);
  }
  return out;
}

/** The places a citation may name: the document's headings (without their numbers) and its bold paragraph leads. */
function architectureTargets(doc: string): string[] {
  const headings = [...doc.matchAll(/^#+\s+(?:\d+\.\s+)?(.+)$/gm)].map((m) => m[1]!.trim());
  const leads = [...doc.matchAll(/^(?:- )?\*\*([^*]+?)\.?\*\*/gm)].map((m) => m[1]!.trim());
  return [...headings, ...leads];
}

/** `docs/ARCHITECTURE.md, "Name"` and `docs/ARCHITECTURE.md §N` in `text`, its comment leaders and line breaks read as spaces. */
function architectureCitations(text: string): { name?: string; section?: number }[] {
  const flat = text.replace(/\s*\n\s*(?:\*(?!\*)|\/\/|#)?\s*/g, ' ');
  return [
    // Quoted, in parentheses, or escaped inside a schema description's string: ARCHITECTURE.md, "X" / ("X") / \"X\".
    ...[...flat.matchAll(/ARCHITECTURE\.md,?\s+\(?\\?"([^"\\]+)\\?"/g)].map((m) => ({ name: m[1]!.trim() })),
    ...[...flat.matchAll(/ARCHITECTURE\.md,?\s+§\s?(\d+)/g)].map((m) => ({ section: Number(m[1]) })),
  ];
}

describe('citations of docs/ARCHITECTURE.md', () => {
  const doc = readFileSync(join(ROOT, 'docs', 'ARCHITECTURE.md'), 'utf8');
  const targets = architectureTargets(doc);
  const sections = [...doc.matchAll(/^## (\d+)\./gm)].map((m) => Number(m[1]));
  const cited = citingFiles(ROOT).flatMap((f) => architectureCitations(readFileSync(f, 'utf8')).map((c) => ({ ...c, file: rel(f) })));

  it('are found across the code and the docs', () => {
    expect(cited.length).toBeGreaterThan(100);
    expect(sections.length).toBeGreaterThanOrEqual(10);
  });

  it('each name a heading or a bold paragraph of the document, or one of its numbered sections', () => {
    const broken = cited
      .filter((c) => (c.name !== undefined ? !targets.some((t) => t.startsWith(c.name!)) : !sections.includes(c.section!)))
      .map((c) => `${c.file}: ${c.name !== undefined ? `"${c.name}"` : `§${c.section}`}`);
    expect(broken).toEqual([]);
  });

  it('the check reads wrapped comments and tells a missing place from a present one', () => {
    expect(architectureCitations('/**\n * see (docs/ARCHITECTURE.md, "One write\n * path per kind") and docs/ARCHITECTURE.md §2\n */')).toEqual([
      { name: 'One write path per kind' },
      { section: 2 },
    ]);
    expect(architectureCitations('docs/ARCHITECTURE.md ("Demo data"); "docs/ARCHITECTURE.md, \\"Early warnings\\""')).toEqual([
      { name: 'Demo data' },
      { name: 'Early warnings' },
    ]);
    expect(targets.some((t) => t.startsWith('One write path per kind'))).toBe(true);
    expect(targets.some((t) => t.startsWith('Round trips'))).toBe(true);
    expect(targets.some((t) => t.startsWith('Stores'))).toBe(false);
  });
});
