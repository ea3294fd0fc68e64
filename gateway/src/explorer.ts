import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { HttpError, methodNotAllowed } from '../../platform/http.ts';

/**
 * The explorer (GraphiQL) served from npm packages, with no CDN: the machines
 * that run the hub often have no internet. Outside production only. A token
 * can be given in the URL fragment, #token=… (npm start prints such a link;
 * a fragment never reaches a server, log or Referer, unlike a query string);
 * it goes into the request headers, which GraphiQL lets you edit, and leaves
 * the address bar at once. What GraphiQL keeps (its history holds each query's
 * headers) stays in the tab's sessionStorage, as the analysis room's token does.
 */
const require = createRequire(import.meta.url);
/** A file of an installed package (by its folder: the UMD builds are not in the packages' exports). */
const pkgFile = (pkg: string, file: string) => join(dirname(require.resolve(`${pkg}/package.json`)), file);
const ASSETS: Record<string, { file: string; type: string }> = {
  'react.js': { file: pkgFile('react', 'umd/react.production.min.js'), type: 'text/javascript' },
  'react-dom.js': { file: pkgFile('react-dom', 'umd/react-dom.production.min.js'), type: 'text/javascript' },
  'graphiql.js': { file: pkgFile('graphiql', 'graphiql.min.js'), type: 'text/javascript' },
  'graphiql.css': { file: pkgFile('graphiql', 'graphiql.min.css'), type: 'text/css' },
};
const cache = new Map<string, Buffer>();

const SCRIPT = `
    const params = new URLSearchParams(location.search);
    const token = new URLSearchParams(location.hash.slice(1)).get('token') || '';
    if (location.hash) history.replaceState(null, '', location.pathname + location.search);
    const headers = JSON.stringify({ authorization: 'Bearer ' + (token || '<paste a token printed by npm start>') }, null, 2);
    const fetcher = GraphiQL.createFetcher({ url: '/graphql' });
    const query = params.get('query') || '{\\n  county(code: "623021") {\\n    name\\n    region { name }\\n    townships { code name kind }\\n  }\\n}\\n';
    ReactDOM.createRoot(document.getElementById('graphiql')).render(
      // The tab's storage, not the browser's: GraphiQL keeps each query's headers (the caller's token) in its history.
      React.createElement(GraphiQL, { fetcher, defaultQuery: query, headers, shouldPersistHeaders: false, storage: sessionStorage, defaultEditorToolsVisibility: 'headers' }),
    );
`;

/**
 * The page may run only its own files and the one inline script above (by its hash), load nothing from elsewhere and
 * talk only to its own hub: GraphiQL shows answers and descriptions it did not write, and holds the caller's token.
 */
const SECURITY_HEADERS = {
  'content-security-policy': `default-src 'none'; script-src 'self' 'sha256-${createHash('sha256').update(SCRIPT).digest('base64')}'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const PAGE = `<!doctype html>
<html lang="zh-CN">
<head>
  <meta charset="utf-8">
  <title>基层治理数据枢纽 · Explorer</title>
  <link rel="icon" type="image/svg+xml" href="/app/icon.svg">
  <link rel="stylesheet" href="/explorer/graphiql.css">
  <style>body { margin: 0; height: 100vh; } #graphiql { height: 100vh; }</style>
</head>
<body>
  <div id="graphiql">Loading…</div>
  <script src="/explorer/react.js"></script>
  <script src="/explorer/react-dom.js"></script>
  <script src="/explorer/graphiql.js"></script>
  <script>${SCRIPT}</script>
</body>
</html>`;

export function explorerRoute(production: boolean) {
  return (req: IncomingMessage, res: ServerResponse, url: URL): void => {
    if (production) throw new HttpError(404, 'NOT_FOUND', { zh: '生产环境不提供接口浏览器。', en: 'The explorer is off in production.' });
    if (req.method !== 'GET') throw methodNotAllowed('GET', { zh: '请用 GET 打开接口浏览器。', en: 'GET the explorer.' });
    if (url.pathname === '/explorer' || url.pathname === '/explorer/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...SECURITY_HEADERS });
      res.end(PAGE);
      return;
    }
    const asset = ASSETS[url.pathname.slice('/explorer/'.length)];
    if (!asset) throw new HttpError(404, 'NOT_FOUND', { zh: '接口浏览器没有这个资源。', en: 'No such explorer asset.' });
    let body = cache.get(asset.file);
    if (!body) cache.set(asset.file, (body = readFileSync(asset.file)));
    res.writeHead(200, { 'content-type': `${asset.type}; charset=utf-8`, 'cache-control': 'public, max-age=86400' });
    res.end(body);
  };
}
