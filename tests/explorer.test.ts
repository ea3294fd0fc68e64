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

  it('sends a browser opening /graphql to the explorer; an API client there gets the answers it got', async () => {
    const origin = new URL(hub.gatewayUrl).origin;
    const browser = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
    const visit = await fetch(`${origin}/graphql`, { headers: { accept: browser }, redirect: 'manual' });
    expect(visit.status).toBe(302);
    expect(visit.headers.get('location')).toBe('/explorer');
    const code = async (res: Response) => ((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code;
    // A client without text/html, a POST, and a query in the address are GraphQL requests, whoever sends them.
    const client = await fetch(`${origin}/graphql`, { headers: { accept: 'application/graphql-response+json' }, redirect: 'manual' });
    expect([client.status, await code(client)]).toEqual([401, 'UNAUTHENTICATED']);
    const post = await fetch(`${origin}/graphql`, {
      method: 'POST',
      headers: { accept: browser, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
      redirect: 'manual',
    });
    expect([post.status, await code(post)]).toEqual([401, 'UNAUTHENTICATED']);
    const get = await fetch(`${origin}/graphql?query=%7B__typename%7D`, { headers: { accept: browser }, redirect: 'manual' });
    expect([get.status, await code(get)]).toEqual([401, 'UNAUTHENTICATED']);
    // A request with a token is a client's: answered as GraphQL (here: a GET without a query).
    const signed = await fetch(`${origin}/graphql`, {
      headers: { accept: 'application/graphql-response+json, text/html;q=0.5', authorization: `Bearer ${await hub.token()}` },
      redirect: 'manual',
    });
    expect([signed.status, await code(signed)]).toEqual([400, 'BAD_REQUEST']);
    // Preferring HTML it gets no page that loads Apollo Sandbox from a CDN: the hub serves nothing from outside itself.
    const page = await fetch(`${origin}/graphql`, { headers: { accept: browser, authorization: `Bearer ${await hub.token()}` }, redirect: 'manual' });
    expect([page.status, await code(page)]).toEqual([400, 'BAD_REQUEST']);
  });
});
