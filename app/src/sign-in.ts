/// <reference lib="dom" />
/** The sign-in (a token pasted, or a link's) and the sign-out. */
import { disposeCharts } from './charts.ts';
import { claimsOf, clearToken, setToken } from './client.ts';
import { esc } from './format.ts';
import { crumbsNav, inboxLink, known, main, navigate, reroute, setClaims, setLastPlace, signOut, who } from './page.ts';

export function showSignIn(message = ''): void {
  // A view still loading is dropped: it must not land over the sign-in, nor leave it dimmed.
  navigate();
  main.removeAttribute('aria-busy');
  disposeCharts();
  // The next caller may see other places.
  setLastPlace(undefined);
  known.clear();
  crumbsNav.innerHTML = '';
  document.title = '分析研判室 · 基层治理数据枢纽';
  who.textContent = '';
  signOut.hidden = true;
  inboxLink.hidden = true;
  main.dataset.view = 'sign-in';
  delete main.dataset.code;
  main.innerHTML = `
    <section class="panel sign-in" aria-labelledby="sign-in-title">
      <h2 id="sign-in-title">登录分析研判室</h2>
      <p>粘贴本单位系统管理员发给您的访问令牌，或直接打开管理员发给您的登录链接。令牌只保存在本标签页的会话存储中，关闭标签页即退出。</p>
      ${message ? `<p class="error" role="alert">${esc(message)}</p>` : ''}
      <form id="sign-in-form">
        <label for="token-input">访问令牌</label>
        <textarea id="token-input" name="token" rows="4" required autocomplete="off" spellcheck="false"></textarea>
        <button type="submit">进入</button>
      </form>
    </section>`;
  document.getElementById('sign-in-form')!.addEventListener('submit', (e) => {
    e.preventDefault();
    // Copied from an Authorization header, a token may come with its "Bearer " in front.
    const value = (document.getElementById('token-input') as HTMLTextAreaElement).value.trim().replace(/^bearer\s+/i, '');
    if (!claimsOf(value)) {
      showSignIn('这不是有效的访问令牌。');
      return;
    }
    setToken(value);
    // The view the sign-in interrupted (a link opened, a token that expired on the way) is where it leads; the address
    // still names it. Setting another hash routes by its hashchange; on the same one there is none to wait for.
    const next = /^#\/(division\/|case\/|inbox)/.test(location.hash) ? location.hash : '#/';
    if (location.hash === next) reroute();
    else location.hash = next;
  });
}

signOut.addEventListener('click', () => {
  clearToken();
  setClaims(undefined);
  history.replaceState(null, '', '/app');
  showSignIn();
});
