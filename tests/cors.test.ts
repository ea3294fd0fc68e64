import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../scripts/lib/chromium.ts';
import { startHub, type TestHub } from './helpers/hub.ts';

/**
 * Browser pages of other origins (a frontend team's dev server) calling the
 * gateway: only the origins of HUB_CORS_ORIGINS may, in a real browser
 * (Debian's Chromium), and a preflight from any other is refused before the
 * token is asked for.
 */
let hub: TestHub;
let browser: Browser;
const pages: Server[] = [];
let allowed: string;
let other: string;

/** A page server of its own origin (127.0.0.1 on its own port): an empty page the test's script runs in. */
async function pageServer(): Promise<string> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>dev server</title>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  pages.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  [allowed, other] = [await pageServer(), await pageServer()];
  hub = await startHub({ corsOrigins: [allowed] });
  browser = await launchChromium();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await hub?.stop();
  for (const s of pages) s.close();
});

/** What a page of `origin` gets when its script POSTs a query to the gateway with a bearer token. */
async function fromPage(
  origin: string,
  token: string,
): Promise<{ ok: true; status: number; name: string; language: string | null } | { ok: false; error: string }> {
  const context = await browser.newContext({ locale: 'zh-CN' });
  try {
    const page = await context.newPage();
    await page.goto(origin);
    return await page.evaluate(
      async ({ url, token }) => {
        try {
          const r = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body: JSON.stringify({ query: '{ county(code: "623021") { name } }' }),
          });
          const body = (await r.json()) as { data: { county: { name: string } } };
          return { ok: true as const, status: r.status, name: body.data.county.name, language: r.headers.get('content-language') };
        } catch (e) {
          return { ok: false as const, error: String(e) };
        }
      },
      { url: hub.gatewayUrl, token },
    );
  } finally {
    await context.close();
  }
}

describe('pages of other origins (CORS)', () => {
  it('lets a page of an allowed origin query with its token, and keeps a page of any other origin out', async () => {
    const token = await hub.token({ jurisdiction: '623021', scopes: ['read'] });
    expect(await fromPage(allowed, token)).toEqual({ ok: true, status: 200, name: '临潭县', language: 'zh' });
    const refused = await fromPage(other, token);
    expect(refused.ok).toBe(false);
  }, 120_000);

  it('answers a preflight without a token: what may be sent for an allowed origin, a typed 403 for another', async () => {
    const preflight = (origin: string) =>
      fetch(hub.gatewayUrl, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type', 'accept-language': 'en' },
      });
    const ok = await preflight(allowed);
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(allowed);
    expect(ok.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(ok.headers.get('access-control-allow-methods')).toContain('POST');
    const no = await preflight(other);
    expect(no.status).toBe(403);
    expect(no.headers.get('access-control-allow-origin')).toBeNull();
    const body = (await no.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' }, message: expect.stringContaining('HUB_CORS_ORIGINS') });
  });
});
