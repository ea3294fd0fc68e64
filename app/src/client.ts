/// <reference lib="dom" />
/**
 * The page's typed client (like examples/lib/client.ts, for the browser): the
 * result type follows from the document, which graphql-codegen generates as a
 * string (codegen.yml: app/src/generated/). The caller's token lives in
 * sessionStorage only, and travels in the Authorization header, never in a URL
 * query string.
 */
import type { TypedDocumentString } from './generated/graphql.ts';

const TOKEN_KEY = 'hub.token';

export class HubError extends Error {
  code: string;
  /** The error's `extensions` beside its code (a refusal's `department`, `scope`, `jurisdiction`). */
  extensions: Record<string, unknown>;
  constructor(code: string, message: string, extensions: Record<string, unknown> = {}) {
    super(message);
    this.code = code;
    this.extensions = extensions;
  }
}

export const getToken = (): string => sessionStorage.getItem(TOKEN_KEY) ?? '';
export const setToken = (token: string): void => sessionStorage.setItem(TOKEN_KEY, token.trim());
export const clearToken = (): void => sessionStorage.removeItem(TOKEN_KEY);

/** What the page needs to know of the caller: read from the token's payload (the hub checks the signature on every request). */
export interface Claims {
  name: string;
  jurisdiction: string;
  scopes: Set<string>;
  expires: number;
  /** A county department's kind (吹哨报到: its token's `department` claim), which reads only its dispatches and their cases. */
  department?: string;
}

export function claimsOf(token: string): Claims | undefined {
  const part = token.split('.')[1];
  if (!part) return undefined;
  try {
    const json = atob(
      part
        .replace(/-/g, '+')
        .replace(/_/g, '/')
        .padEnd(Math.ceil(part.length / 4) * 4, '='),
    );
    const p = JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0)))) as Record<string, unknown>;
    const scopes = Array.isArray(p.scopes) ? p.scopes.map(String) : typeof p.scopes === 'string' ? p.scopes.split(/[\s,]+/) : [];
    if (typeof p.jurisdiction !== 'string') return undefined;
    return {
      name: typeof p.name === 'string' ? p.name : String(p.sub ?? ''),
      jurisdiction: p.jurisdiction,
      scopes: new Set(scopes),
      expires: typeof p.exp === 'number' ? p.exp * 1000 : Infinity,
      ...(typeof p.department === 'string' && p.department ? { department: p.department } : {}),
    };
  } catch {
    return undefined;
  }
}

/** A request that reached no answer (offline, the hub or a proxy gone): the browser's own text is English and says no more. */
const UNREACHABLE = '无法连接到数据枢纽：请检查网络连接后重试。';

async function reach(input: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(input, init);
  } catch {
    throw new HubError('NETWORK', UNREACHABLE);
  }
}

function authorization(): Record<string, string> {
  return { authorization: `Bearer ${getToken()}`, 'accept-language': 'zh-CN' };
}

export async function request<R, V>(document: TypedDocumentString<R, V>, variables: V): Promise<R> {
  const res = await reach('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...authorization() },
    body: JSON.stringify({ query: document.toString(), variables }),
  });
  const body = (await res.json().catch(() => ({}))) as { data?: R; errors?: { message: string; extensions?: { code?: string } & Record<string, unknown> }[] };
  if (body.errors?.length) {
    // A view asks for many fields of a division, each refused on its own: the first says it for all of them.
    const first = body.errors[0]!;
    throw new HubError(String(first.extensions?.code ?? 'ERROR'), first.message, first.extensions ?? {});
  }
  if (!res.ok || !body.data) throw new HubError(`HTTP_${res.status}`, `请求失败（HTTP ${res.status}）`);
  return body.data;
}

/** Downloads a report (gateway/src/reports.ts) with the caller's token in the header, saved under the name the hub gives it. */
export async function download(path: string): Promise<void> {
  const res = await reach(path, { headers: authorization() });
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { errors?: { message: string }[] };
    throw new HubError(`HTTP_${res.status}`, body.errors?.[0]?.message ?? `下载失败（HTTP ${res.status}）`);
  }
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? path.split('/').pop()!.split('?')[0]!;
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
