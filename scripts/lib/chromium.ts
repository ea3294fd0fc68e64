import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium, where its package puts it (undefined when it is not installed). */
export const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

/** What to do when Chromium is missing (.ci/run installs it). */
export const CHROMIUM_MISSING = 'Chromium is not installed: apt-get install -y --no-install-recommends chromium (.ci/run installs it).';

/** Headless Chromium with no sandbox (root in CI), no GPU and no traffic of its own to the outside network. */
export function launchChromium(): Promise<Browser> {
  if (!CHROMIUM) throw new Error(CHROMIUM_MISSING);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
