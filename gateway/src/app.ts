import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { HttpError, methodNotAllowed } from '../../platform/http.ts';

/**
 * 分析研判室 The analysis room at /app: the hub's own web page (app/), in
 * production too. Its TypeScript (and Apache ECharts, from the npm package) is
 * bundled for the browser by esbuild once per process, on the first visit,
 * and kept in memory: nothing built is written to disk or
 * committed, and nothing comes from a CDN (the machines that run the hub often
 * have no internet). The page signs in with a token kept in sessionStorage and
 * sends it in the Authorization header like any client; this route itself
 * serves only static files.
 */
const APP = join(dirname(fileURLToPath(import.meta.url)), '../../app');

interface Asset {
  type: string;
  body: Buffer;
  gzip: Buffer;
}
const asset = (type: string, body: Buffer | string): Asset => {
  const b = Buffer.isBuffer(body) ? body : Buffer.from(body);
  return { type, body: b, gzip: gzipSync(b) };
};

let bundled: Promise<Asset> | undefined;
/** The page's script: app/src/main.ts and what it imports, bundled and minified (once per process). */
function bundle(): Promise<Asset> {
  bundled ??= build({
    entryPoints: [join(APP, 'src/main.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'eof',
    write: false,
    logLevel: 'silent',
  }).then((r) => asset('text/javascript', Buffer.from(r.outputFiles[0]!.contents)));
  // A failed build is tried again on the next request rather than cached.
  bundled.catch(() => (bundled = undefined));
  return bundled;
}

/** Static files of app/ by their path under /app/. */
const FILES: Record<string, { file: string; type: string }> = {
  '': { file: 'index.html', type: 'text/html' },
  'style.css': { file: 'style.css', type: 'text/css' },
  // The hub's icon, for this page and the explorer's.
  'icon.svg': { file: 'icon.svg', type: 'image/svg+xml' },
};
const files = new Map<string, Asset>();

/** The page may load only its own files and talk only to its own hub. */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

export function appRoute() {
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw methodNotAllowed('GET, HEAD', { zh: '请用 GET 打开分析研判室。', en: 'GET the analysis room.' });
    const path = url.pathname === '/app' ? '' : url.pathname.slice('/app/'.length);
    // Bundling takes a second or two of CPU: begun by the page's first visit (while its HTML travels), not at every
    // gateway start (each test file starts one).
    if (path === '') bundle().catch((e: Error) => console.error(`[gateway] the analysis room's bundle failed: ${e.message}`));
    let a: Asset;
    if (path === 'app.js') {
      try {
        a = await bundle();
      } catch (e) {
        throw new HttpError(500, 'INTERNAL_SERVER_ERROR', {
          zh: `分析研判室的脚本打包失败：${(e as Error).message}`,
          en: `The analysis room's script failed to bundle: ${(e as Error).message}`,
        });
      }
    } else {
      const f = FILES[path];
      if (!f) throw new HttpError(404, 'NOT_FOUND', { zh: '分析研判室没有这个资源。', en: 'No such file in the analysis room.' });
      let cached = files.get(path);
      if (!cached) files.set(path, (cached = asset(f.type, readFileSync(join(APP, f.file)))));
      a = cached;
    }
    const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const body = gzip ? a.gzip : a.body;
    res.writeHead(200, {
      'content-type': `${a.type}; charset=utf-8`,
      'content-length': body.length,
      // Revalidated on every visit: a restarted hub may serve a new page.
      'cache-control': 'no-cache',
      vary: 'accept-encoding',
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
      ...SECURITY_HEADERS,
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}
