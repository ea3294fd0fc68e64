/// <reference lib="dom" />
/**
 * Opens the explorer in headless Chromium (Debian's package, no outside
 * network), runs a query through it and checks the answer:
 *   node scripts/explorer-check.ts [gateway origin] [token]
 * With no arguments it starts the hub itself (npm start) and uses its token.
 */
import { spawn } from 'node:child_process';
import { CHROMIUM, CHROMIUM_MISSING, launchChromium } from './lib/chromium.ts';

if (!CHROMIUM) {
  console.error(CHROMIUM_MISSING);
  process.exit(2);
}
let [origin, token] = process.argv.slice(2);
let hub: ReturnType<typeof spawn> | undefined;
if (!origin) {
  hub = spawn(process.execPath, ['scripts/start.ts'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    hub!.stdout!.on('data', (c) => {
      out += c;
      if (out.includes('Press Ctrl-C')) resolve();
    });
    hub!.once('exit', () => reject(new Error(`the hub did not start:\n${out}`)));
  });
  origin = /GraphQL endpoint: (\S+)\/graphql/.exec(out)![1]!;
  token = /administrator[^\n]*\n\s+(\S+)/.exec(out)![1]!;
}
const browser = await launchChromium();
const outside: string[] = [];
try {
  const page = await browser.newPage();
  page.on('request', (r) => !r.url().startsWith(origin!) && !r.url().startsWith('data:') && outside.push(r.url()));
  await page.goto(`${origin}/explorer#token=${token}`);
  await page.waitForSelector('.graphiql-execute-button', { timeout: 30_000 });
  await page.click('.graphiql-execute-button');
  await page.waitForFunction(() => document.querySelector('.graphiql-response')?.textContent?.includes('临潭县'), undefined, { timeout: 30_000 });
  const text = await page.$eval('.graphiql-response', (e) => e.textContent ?? '');
  await page.screenshot({ path: 'bench/explorer.png' });
  // GraphiQL's history holds each query's headers: the token must not outlive the tab.
  const kept = await page.evaluate(() => Object.values(localStorage).some((v) => v.includes('Bearer')));
  console.log(
    `Explorer ran the query: ${text.includes('甘南藏族自治州') ? 'yes' : 'no'}; requests outside ${origin}: ${outside.length ? outside.join(', ') : 'none'}; token in localStorage: ${kept ? 'yes' : 'no'}.`,
  );
  if (!text.includes('甘南藏族自治州') || outside.length || kept) process.exitCode = 1;
} finally {
  await browser.close();
  hub?.kill('SIGTERM');
}
