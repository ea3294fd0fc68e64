/// <reference lib="dom" />
/** What the page shows instead of a view the hub refused, does not have, or could not give. */
import { disposeCharts } from './charts.ts';
import { clearToken, HubError } from './client.ts';
import { esc } from './format.ts';
import { claims, crumbsNav, divisionHref, known, lastPlace, main, reroute, setClaims, type Place } from './page.ts';
import { showSignIn } from './sign-in.ts';

export interface Target {
  href: string;
  /** How the breadcrumb names it when the page never learnt its name. */
  fallback: string;
}

/**
 * A view the hub refused or could not give (FORBIDDEN, not found, a failed load).
 * The breadcrumb then says where the page is: the refused target, named as
 * refused, after the way back to the last view shown (or to the caller's own
 * jurisdiction when this tab showed none), not the trail of the view before,
 * which is no longer on screen (README "The analysis room").
 */
export function showRefusal(target: Target, state: string, message: string): void {
  disposeCharts();
  main.removeAttribute('aria-busy');
  const name = known.get(target.href) ?? target.fallback;
  // '#/' leads to the caller's own division (route, home); no way back when that is what was refused.
  const own = claims?.department ? '#/inbox' : claims && claims.jurisdiction !== '*' ? divisionHref(claims.jurisdiction.slice(0, 12)) : '#/';
  const refusedHome = target.href === own || target.href === '#/';
  const back: Place | undefined =
    lastPlace && lastPlace.href !== target.href ? lastPlace : refusedHome ? undefined : { href: '#/', name: known.get(own) ?? '本辖区' };
  const backLink = back ? `<a href="${esc(back.href)}">返回 ${esc(back.name)}</a>` : '';
  crumbsNav.innerHTML = `<ol>${back ? `<li class="back">${backLink}</li>` : ''}<li class="refused" aria-current="page">${esc(name)} · ${esc(state)}</li></ol>`;
  document.title = `${name} · ${state} · 分析研判室`;
  main.dataset.view = 'refused';
  delete main.dataset.code;
  main.innerHTML = `
    <h2 class="title">${esc(name)} <small>${esc(state)}</small></h2>
    <p class="error" role="alert">${esc(message)}</p>
    ${back ? `<p class="way-back">${backLink}</p>` : ''}`;
}

/**
 * A failed request's message as the page says it. A county department's caller (a token with a `department` claim)
 * reads only the dispatches sent to its department and their cases; the hub's refusal of anything else names the API
 * field and the department's code for the developers of other clients, so the page says the rule in words instead,
 * keeping what was refused (矛盾纠纷列表, 人口记录, ...) and who reads it when the message names them.
 */
export function messageOf(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  if (!(e instanceof HubError) || e.code !== 'FORBIDDEN' || typeof e.extensions.department !== 'string') return message;
  const what = /；([^；]+?)(列表|记录)由([^；。]+?)读取/.exec(message);
  const said = what ? `${what[1]}${what[2]}由${what[3]!.replaceAll('、', '和')}` : '其他数据由综治中心和村（社区）';
  return `县直部门只能查看派给本部门的吹哨任务及其案件；${said}查看。`;
}

/** A failed request as a refusal of the target; an expired or foreign token leads to the sign-in instead. */
export function showError(e: unknown, target: Target): void {
  if (e instanceof HubError && (e.code === 'UNAUTHENTICATED' || e.code === 'HTTP_401')) {
    main.removeAttribute('aria-busy');
    clearToken();
    // The header no longer names the caller the hub refused.
    setClaims(undefined);
    showSignIn(`${e.message}请用有效的令牌重新登录。`);
    return;
  }
  const code = e instanceof HubError ? e.code : '';
  const message = messageOf(e);
  if (code === 'FORBIDDEN') showRefusal(target, '无权查看', `无权查看：${message}`);
  else if (code === 'NOT_FOUND') showRefusal(target, '不存在', message);
  else {
    // Unreachable, unavailable or failed: the same view may load if asked again.
    showRefusal(target, '载入失败', `载入失败：${message}`);
    const retry = document.createElement('button');
    retry.type = 'button';
    retry.id = 'retry';
    retry.textContent = '重试';
    retry.addEventListener('click', reroute);
    main.querySelector('p.error')?.after(retry);
  }
}
