import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type TestHub } from './helpers/hub.ts';

let hub: TestHub;
beforeAll(async () => {
  hub = await startHub();
});
afterAll(() => hub?.stop());

describe('the offline explorer', () => {
  it('serves GraphiQL and its assets from the hub itself, with no outside URL', async () => {
    const origin = new URL(hub.gatewayUrl).origin;
    const page = await fetch(`${origin}/explorer`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('GraphiQL');
    expect(html).not.toMatch(/https?:\/\//);
    for (const [asset, type] of [
      ['react.js', 'javascript'],
      ['react-dom.js', 'javascript'],
      ['graphiql.js', 'javascript'],
      ['graphiql.css', 'css'],
    ]) {
      const r = await fetch(`${origin}/explorer/${asset}`);
      expect(r.status, asset).toBe(200);
      expect(r.headers.get('content-type')).toContain(type);
      expect((await r.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    }
    expect((await fetch(`${origin}/explorer/nope.js`)).status).toBe(404);
    // Its icon (shared with the analysis room): a page without one makes the browser ask for /favicon.ico, a 404.
    const icon = /<link rel="icon"[^>]* href="([^"]+)"/.exec(html)?.[1];
    expect(icon).toBeDefined();
    const r = await fetch(`${origin}${icon}`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('image/svg+xml');
  });
});
