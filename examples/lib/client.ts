import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { fileURLToPath } from 'node:url';

/** A minimal typed client: the result type follows from the document. */
export async function request<R, V>(url: string, token: string, document: TypedDocumentNode<R, V>, variables: V): Promise<R> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: print(document), variables }),
  }).catch((e: unknown) => {
    // Node says only "fetch failed": name the address, which HUB_URL sets.
    throw new Error(`Cannot reach the hub at ${url} (set HUB_URL): ${e instanceof Error && e.cause instanceof Error ? e.cause.message : String(e)}`);
  });
  const body = (await res.json()) as { data?: R; errors?: { message: string; extensions?: { code?: string } }[] };
  if (body.errors?.length) throw new Error(body.errors.map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`).join('; '));
  return body.data!;
}

/** Runs an example's main when the file is executed directly (HUB_URL, HUB_TOKEN from the environment). */
export function runAsScript(moduleUrl: string, main: (url: string, token: string) => Promise<unknown>): void {
  if (process.argv[1] !== fileURLToPath(moduleUrl)) return;
  const token = process.env.HUB_TOKEN;
  if (!token) {
    console.error('Set HUB_TOKEN to a token printed by `npm start` (or minted by `npm run token`).');
    process.exit(2);
  }
  // The gateway as `npm start` runs it here (GATEWAY_PORT, as `npm run import` reads it), unless HUB_URL names another.
  main(process.env.HUB_URL ?? `http://127.0.0.1:${process.env.GATEWAY_PORT || '4000'}/graphql`, token)
    .then((r) => console.log(JSON.stringify(r, null, 2)))
    .catch((e: Error) => {
      console.error(e.message);
      process.exit(1);
    });
}
