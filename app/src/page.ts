/// <reference lib="dom" />
/**
 * The page's shared state: its fixed elements, who is signed in, the places it has shown (to name and lead back
 * to them), which navigation is current, and the breadcrumb. Every view module reads and sets them here.
 */
import type { Claims } from './client.ts';
import { esc } from './format.ts';
import { SCOPE } from './labels.ts';

export const main = document.getElementById('main')!;
export const who = document.getElementById('who')!;
export const crumbsNav = document.getElementById('crumbs')!;
export const periodSelect = document.getElementById('period') as HTMLSelectElement;
/** Beside the period list: a period the address named that the page could not show. */
export const periodNote = document.getElementById('period-note')!;
export const signOut = document.getElementById('signout') as HTMLButtonElement;
/** 部门待办 in the header: shown to a county department's token only (main.ts). */
export const inboxLink = document.getElementById('inbox-link') as HTMLAnchorElement;

/** A division above the view, as the breadcrumb names it. */
export interface Crumb {
  code: string;
  name: string;
}

/** A view the page showed: where the way back from a refusal leads. */
export interface Place {
  href: string;
  name: string;
}
/** The last view shown in this tab, a place the caller may see. */
export let lastPlace: Place | undefined;
export function setLastPlace(p: Place | undefined): void {
  lastPlace = p;
}
/** Names of the divisions and cases the page has shown or listed, by their route, to name a refused target. */
export const known = new Map<string, string>();
export const divisionHref = (code: string) => `#/division/${code}`;
export const caseHref = (id: string) => `#/case/${encodeURIComponent(id)}`;
export const caseName = (caseNumber: string) => `案件 ${caseNumber}`;
/** A division's page, with its 在办 list's status if the address names one: 2, 4, 6, 9 or 12 digits (main.ts routes it). */
export const DIVISION_ROUTE = /^#\/division\/(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})(?:\/([A-Z_]+))?$/;

/**
 * A case opened from a division's page (its 在办, 超期与督办 or 苗头预警 lists) leads back to that page as the reader
 * left it, its 在办 status kept: the case's history entry remembers the address it was opened from, so a reload or
 * 前进 to it still leads back there. A case opened any other way (its address typed or bookmarked, a dispatch list,
 * the inbox) remembers none, and its view leads to its village (case-view.ts).
 */
export function rememberOpenedFrom(oldURL: string): void {
  if (!location.hash.startsWith('#/case/')) return;
  const from = URL.canParse(oldURL) ? new URL(oldURL).hash : '';
  if (DIVISION_ROUTE.test(from)) history.replaceState({ ...(history.state as object | null), openedFrom: from }, '');
}
/** The division page the case shown was opened from (rememberOpenedFrom): its address and code, if any. */
export function openedFrom(): { href: string; code: string } | undefined {
  const from = (history.state as { openedFrom?: unknown } | null)?.openedFrom;
  const m = typeof from === 'string' ? DIVISION_ROUTE.exec(from) : null;
  return m ? { href: from as string, code: m[1]! } : undefined;
}

/**
 * What the address named that the view does not know (a filter, a status), said beside what it shows instead: a view
 * never widens a list the address narrowed without saying so. `shown` is what it shows instead (全部, 全部在办案件).
 */
export const unknownNotice = (what: string, value: string, shown: string): string =>
  `<span class="unknown" role="status">未知的${esc(what)}：${esc(value)}，已显示${esc(shown)}</span>`;

/** The signed-in caller as its token says (the hub checks the signature on every request). */
export let claims: Claims | undefined;
export function setClaims(c: Claims | undefined): void {
  claims = c;
}
/** Who is signed in: the token's name, its jurisdiction by name once a view has named it, and its scopes in words. */
export function showWho(): void {
  if (!claims) return;
  const place = claims.jurisdiction === '*' ? '全国' : (known.get(divisionHref(claims.jurisdiction)) ?? claims.jurisdiction);
  const scopes = [...claims.scopes].map((s) => SCOPE[s] ?? s).join('、');
  who.textContent = `${claims.name}（${place}；${scopes || '无权限'}）`;
}
export const mayRead = () => claims?.scopes.has('read') ?? false;
/**
 * Whether the caller reads a division's case lists and records (超期与督办, 隐患): `read`, and no county department's
 * token, which reads only its own dispatches and their cases (部门待办).
 */
export const readsRecords = () => mayRead() && !claims?.department;
export const inJurisdiction = (code: string) => claims !== undefined && (claims.jurisdiction === '*' || code.startsWith(claims.jurisdiction));

/**
 * The next view is loading: the one on screen stays, dimmed (style.css), and out of reach of mouse and keyboard alike
 * until it is replaced.
 */
export function loading(): void {
  main.setAttribute('aria-busy', 'true');
  for (const el of Array.from(main.children)) (el as HTMLElement).inert = true;
}

let navigation = 0;
/** A new view starts: a view still loading from before is no longer current, and draws nothing when its answer comes. */
export function navigate(): number {
  return ++navigation;
}
/** Whether the view that `navigate` numbered `mine` is still the one to draw. */
export const isCurrent = (mine: number): boolean => mine === navigation;

let rerouter: () => void = () => {};
/** What shows the view the address names (main.ts `route`), for the views that ask for it again. */
export function routeWith(fn: () => void): void {
  rerouter = fn;
}
/** Shows the view the address names again (after signing in on the same address, a retry, another period). */
export function reroute(): void {
  rerouter();
}

/** A division above the view: a link inside the caller's jurisdiction, its name alone outside it (it could not be opened). */
export const crumbLink = (c: Crumb) => (inJurisdiction(c.code) ? `<a href="#/division/${esc(c.code)}">${esc(c.name)}</a>` : `<span>${esc(c.name)}</span>`);

/** The view's place: the trail above it, and the tab's title. */
export function renderCrumbs(above: readonly Crumb[], name: string): void {
  crumbsNav.innerHTML = `<ol>${above.map((c) => `<li>${crumbLink(c)}</li>`).join('')}<li aria-current="page">${esc(name)}</li></ol>`;
  document.title = `${name} · 分析研判室`;
}
