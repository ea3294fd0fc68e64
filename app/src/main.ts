/// <reference lib="dom" />
/**
 * 分析研判室 The analysis room: every division from province to village at a
 * glance (headline figures, early warnings 苗头预警, monthly trend with
 * 同比/环比, the children to drill into, assessment against targets, and for
 * callers with `read` the overdue and supervised cases and, at a village or
 * a township, the cases in hand (在办)). Routes live in the URL fragment:
 *   #/division/<code>[/<status>]   2, 4, 6, 9 or 12 digits; a village or township may name its 在办 list’s status
 *   #/case/<id>         one case's timeline
 *   #/hazards/<code>    the open hazards (隐患整改) of a village, township or county: 12, 9 or 6 digits
 *   #/dispatches/<code>/<kind>[/<late>]  吹哨任务: a county's or township's dispatches to one department in the period
 *                       shown (the row of its 吹哨报到·分部门), all or its late 报到 (ACKNOWLEDGED_LATE) or 反馈 (ANSWERED_LATE);
 *                       the kind `all` lists every department's (its 合计 row)
 *   #/inbox[/<filter>]  部门待办: a county department's own dispatches, its start page (a department token's only)
 *   #token=<jwt>        sign-in link (npm start prints it); the token moves to
 *                       sessionStorage and leaves the address bar at once.
 * Served by gateway/src/app.ts; see README "The analysis room". This file
 * routes; the views and what they share are modules of their own:
 *   page.ts             the page's elements, the caller, the places shown, the breadcrumb
 *   period.ts           the period (统计期) and the calendar it is reckoned by
 *   sign-in.ts          the sign-in and sign-out
 *   refusals.ts         what replaces a view refused, missing or failed
 *   division.ts         a division's view as loaded, at every level
 *   division-figures.ts its cards, tables and downloads
 *   division-view.ts    the division's view, its early warnings and cases
 *   case-view.ts        one case's view
 *   hazard-view.ts      a division's open hazards and their rectification
 *   inbox-view.ts       a county department's own dispatches (部门待办)
 *   dispatch-list-view.ts  a division's dispatches to one department in a period (from 吹哨报到·分部门)
 *   paging.ts           a list a page at a time: its total and 加载更多 (cases, hazards, dispatches)
 */
import { claimsOf, clearToken, getToken, request, setToken } from './client.ts';
import { claims, DIVISION_ROUTE, divisionHref, inboxLink, main, navigate, rememberOpenedFrom, routeWith, setClaims, showWho, signOut } from './page.ts';
import { cancelPeriodChange, dayChanged, followCalendar } from './period.ts';
import { Provinces } from './queries.ts';
import { showError, showRefusal } from './refusals.ts';
import { showSignIn } from './sign-in.ts';
import { showDivision, showGrid } from './division-view.ts';
import { showCase } from './case-view.ts';
import { listsHazardsOf, showHazards } from './hazard-view.ts';
import { INBOX_HREF, showInbox } from './inbox-view.ts';
import { listsDispatchesOf, showDispatchList } from './dispatch-list-view.ts';

/** A part of the address as written, its %-escapes read where they are whole. */
function decoded(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

async function home(): Promise<string> {
  if (claims!.jurisdiction !== '*') return claims!.jurisdiction.slice(0, 12);
  const provinces = (await request(Provinces, {})).provinces;
  return provinces[0]?.code ?? '62';
}

async function route(): Promise<void> {
  // A period change still waiting is overtaken by this route, which reads the period itself.
  cancelPeriodChange();
  followCalendar();
  const hash = location.hash;
  if (hash.startsWith('#token=')) {
    // The sign-in link: keep the token for this tab and take it out of the address bar and history. The address's
    // settings (?period=, ?pageSize=) stay: the view opens with them, and a bookmark of it keeps them.
    setToken(decodeURIComponent(hash.slice('#token='.length)));
    history.replaceState(null, '', `${location.pathname}${location.search}#/`);
  }
  const token = getToken();
  setClaims(token ? claimsOf(token) : undefined);
  if (!claims || claims.expires < Date.now()) {
    if (token) clearToken();
    // A token that cannot be read was cut or mistyped in copying: asking for a new one would not help.
    showSignIn(!token ? '' : claims ? '令牌已过期，请重新登录。' : '这不是有效的访问令牌（无法读取，可能复制不完整），请重新复制后再试。');
    return;
  }
  signOut.hidden = false;
  // A county department's own page, in the header on every view: its start page, and the way back to it.
  inboxLink.hidden = !claims.department;
  showWho();
  // A division's address may name its 在办 list's status (#/division/<code>/<status>, division-view.ts).
  const division = DIVISION_ROUTE.exec(location.hash);
  const kase = /^#\/case\/([^/]+)$/.exec(location.hash);
  const hazards = /^#\/hazards\/(.*)$/.exec(location.hash);
  const other = /^#\/division\/(.*)$/.exec(location.hash);
  // A filter the inbox or a dispatch list does not know opens the whole list, which says so (never silently wider).
  const inbox = /^#\/inbox(?:\/([^/]*))?$/.exec(location.hash);
  const dispatchList = /^#\/dispatches\/(\d+)\/([A-Z_]+|all)(?:\/([^/]+))?$/.exec(location.hash);
  if (division) await showDivision(division[1]!, division[2] ?? '');
  else if (kase) await showCase(decodeURIComponent(kase[1]!));
  else if (hazards && listsHazardsOf(hazards[1]!)) await showHazards(hazards[1]!);
  else if (inbox) await showInbox(decoded(inbox[1] ?? ''));
  else if (dispatchList && listsDispatchesOf(dispatchList[1]!)) await showDispatchList(dispatchList[1]!, dispatchList[2]!, decoded(dispatchList[3] ?? ''));
  // A grid worker's own grid: its early warnings (another grid's address is refused below).
  else if (other && other[1] === claims.jurisdiction && /^\d{15}$/.test(other[1])) await showGrid(other[1]);
  else if (hazards) {
    // The hub lists hazards of a village, a township or a county, and of a grid to its grid worker; a province's or
    // prefecture's are on its counties' pages.
    navigate();
    const code = decodeURIComponent(hazards[1]!);
    showRefusal(
      { href: location.hash, fallback: `${code} 的隐患` },
      '无法打开',
      // Another grid's: its grid worker reads them on its own page, and the village's list holds them for the village's readers.
      /^\d{15}$/.test(code)
        ? '网格的隐患只有本网格的网格员可在此查看；其他人请在所属村（社区）的隐患整改清单中查看。'
        : '隐患整改清单按县（市、区）、乡镇或村（社区）列出：请从其页面的“上报隐患”打开。',
    );
  } else if (other) {
    // A code of no division level (7 digits, a grid's 15): the page has no view for it, and says so rather than going home.
    // A view still loading from before must not land over it.
    navigate();
    const code = decodeURIComponent(other[1]!);
    showRefusal(
      { href: location.hash, fallback: code },
      '无法打开',
      /^\d{15}$/.test(code)
        ? '分析研判室按村（社区）及以上的区划展示，网格的数据见所属村（社区）。'
        : `“${code}”不是区划代码（省 2 位、市 4 位、县 6 位、乡镇 9 位、村 12 位）。`,
    );
  } else if (!/^#?\/?$/.test(location.hash)) {
    // An address of no view (a route mistyped, a list of no division level): said, not replaced by the start page.
    navigate();
    const address = decoded(location.hash);
    showRefusal({ href: location.hash, fallback: address }, '无法打开', `无法识别的地址“${address}”：请从本辖区的页面进入。`);
  } else if (claims.jurisdiction.length === 15) {
    // A grid's own token (a 网格员's) sees no division's figures, its village lying outside its jurisdiction, but
    // reads its grid's early warnings as it reads the grid's statistics.
    await showGrid(claims.jurisdiction);
  } else if (claims.department) {
    // A county department reads its own dispatches and their cases, not the county's case lists: it starts at its inbox.
    location.replace(INBOX_HREF);
  } else {
    try {
      location.replace(divisionHref(await home()));
    } catch (e) {
      showError(e, { href: '#/', fallback: '本辖区' });
    }
  }
}

// A wall screen nobody touches moves on at midnight too: a view shown (not the sign-in, not a refusal) is shown again
// for the new day, its period reckoned anew (period.ts followCalendar).
setInterval(() => {
  if (dayChanged() && main.dataset.code !== undefined) void route();
}, 60_000);

// A view reached by a link starts at its content, as a new page would (the link's focus is gone with it). A case
// remembers the division page it was opened from, to lead back to it.
window.addEventListener('hashchange', (e) => {
  rememberOpenedFrom(e.oldURL);
  void route().then(() => main.focus({ preventScroll: true }));
});
// The skip link's target is not a route: it moves focus, and the address stays.
document.querySelector<HTMLAnchorElement>('a.skip')?.addEventListener('click', (e) => {
  e.preventDefault();
  main.focus();
});
/**
 * A table wider than its box (a phone's screen) scrolls sideways; one holding no link or button would be out of a
 * keyboard's reach, so its scroller takes focus itself, a region named by the table's caption (or its section's
 * heading). A table that fits does not scroll, and is no Tab stop: measured as drawn, and again when the window
 * changes size.
 */
function scrollersReachable(): void {
  for (const wrap of Array.from(main.querySelectorAll<HTMLElement>('.table-wrap'))) {
    const reachable = wrap.querySelector('a[href], button, select, input, textarea, summary') !== null;
    // A table folded away (按月数据 closed) measures 0 wide: it does not scroll until it is shown.
    const scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
    if ((reachable || !scrolls) && wrap.dataset.region) {
      for (const a of ['tabindex', 'role', 'aria-label', 'data-region']) wrap.removeAttribute(a);
    } else if (!reachable && scrolls && !wrap.dataset.region) {
      const name = wrap.querySelector('caption')?.textContent ?? wrap.closest('section')?.querySelector('h3')?.textContent ?? '';
      wrap.dataset.region = 'scroll';
      wrap.tabIndex = 0;
      wrap.setAttribute('role', 'region');
      wrap.setAttribute('aria-label', `${name.trim() || '表格'}（可左右滚动）`);
    }
  }
}
window.addEventListener('resize', scrollersReachable);
// A folded table (按月数据) is measured when it is opened.
main.addEventListener('toggle', scrollersReachable, true);
new MutationObserver(scrollersReachable).observe(main, { childList: true, subtree: true });
routeWith(() => void route());
void route();
