// Real Chromium (Debian's package, /usr/bin/chromium) driven by playwright-core: `npx playwright
// install` cannot download browsers here, so the project's set-up installs `chromium` with apt.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env['WXBOT_CHROMIUM'] ?? '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  readonly context: BrowserContext;
  /** A new tab; its console errors and failed requests are collected in `problems`. */
  page(): Promise<Page>;
  readonly problems: string[];
  close(): Promise<void>;
}

/** Says how to get the browser when it is missing, instead of a cryptic launch error. */
export function assertChromium(): void {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `no Chromium at ${CHROMIUM}: install it with "apt-get install -y chromium" (or set WXBOT_CHROMIUM to its path)`,
    );
}

export async function launch(): Promise<Browser> {
  assertChromium();
  // A fresh profile per run, removed after: nothing leaks between runs (storage, cache, the token).
  const profile = await mkdtemp(join(tmpdir(), 'wxbot-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1200, height: 800 },
  });
  const problems: string[] = [];
  return {
    context,
    problems,
    async page() {
      const page = await context.newPage();
      // Fail in seconds, well inside jest's timeout, with playwright's call log of what it waited for.
      page.setDefaultTimeout(10_000);
      page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
      page.on('console', (msg) => {
        if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
      });
      return page;
    },
    async close() {
      await context.close().catch(() => undefined);
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Where screenshots go: $WXBOT_SCREENSHOTS, else `artifacts/screenshots/` at the repository root (ignored by
 * git; `.ci/run` leaves it in place for CI to keep as an artefact).
 */
export const SCREENSHOTS =
  process.env['WXBOT_SCREENSHOTS'] ??
  join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'artifacts', 'screenshots');

/** Screenshots for a person to look at (CI keeps them as artefacts); resolves with the file written. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
