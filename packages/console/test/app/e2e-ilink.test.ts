// End to end on an iLink account (WeChat's official bot API, simulated): the console in real Chromium
// against @wxbot/server's real API. iLink has no rooms and no contact list, so the chat list holds the
// users who wrote; the page must show them and answer them, with no error for the missing rooms.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { jest } from '@jest/globals';
import { Bot, createMemoryStorage, MemorySessionStore } from '@wxbot/core';
import { IlinkSimulator } from '@wxbot/simulator';
import { IlinkTransport } from '@wxbot/transport-ilink';
import { pino } from 'pino';
import type { Page } from 'playwright-core';

import { launch, screenshot, type Browser } from '../helpers/browser.js';

jest.setTimeout(90_000);

interface ServerModule {
  createApiServer(options: { bots: readonly Bot[]; api?: { port?: number }; token: string }): {
    listen(): Promise<string>;
    close(): Promise<void>;
  };
}

// A variable specifier, as in e2e.test.ts: console's build must not depend on the server.
const SERVER = '@wxbot/server';
const server = (await import(SERVER)) as ServerModule;

const TOKEN = 'e2e-ilink-token-0123456789abcdef';

let browser: Browser | undefined;
let page: Page | undefined;
const stops: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await page?.close();
  for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined);
  await browser?.close();
});

test('an iLink account: QR in the page → logged in → a user writes → answered from the chat view', async () => {
  const sim = await IlinkSimulator.start({ longPollMs: 1_000, qrPollMs: 1_000, autoConfirm: false, quota: false });
  stops.push(() => sim.stop());
  const dir = await mkdtemp(join(tmpdir(), 'wxbot-console-ilink-'));
  stops.push(() => rm(dir, { recursive: true, force: true }));
  const transport = new IlinkTransport({
    account: 'official',
    dataDir: dir,
    apiBaseUrl: sim.baseUrl,
    cdnBaseUrl: sim.cdnBaseUrl,
    sessionStore: new MemorySessionStore(),
    login: { holdMs: 10_000, pollGapMs: 5, timeoutMs: 60_000 },
    pollHoldMs: 1_000,
    backoffMs: 10,
    maxBackoffMs: 50,
  });
  const bot = new Bot({ transport, plugins: [], logger: pino({ level: 'silent' }), storage: createMemoryStorage() });
  stops.push(() => bot.stop());
  const api = server.createApiServer({ bots: [bot], api: { port: 0 }, token: TOKEN });
  const url = await api.listen();
  stops.push(() => api.close());
  const started = bot.start();
  started.catch(() => undefined);

  browser = await launch();
  page = await browser.page();
  await page.goto(`${url}/#token=${TOKEN}`);
  await page.waitForSelector('img.qr');
  await page.waitForFunction("document.querySelector('img.qr')?.naturalWidth > 0");
  await screenshot(page, 'ilink-1-qr');
  sim.phone.scan();
  await page.waitForSelector('section.login[data-status="scanned"]');
  sim.phone.confirm();
  await page.waitForSelector('section.login[data-status="logged-in"]');
  await started;

  await page.click('nav a[data-page="chats"]');
  sim.say('alice@im.wechat', 'hello official bot');
  await page.click('button.chat-item:has-text("alice@im.wechat")');
  await page.waitForSelector('.messages .message:has-text("hello official bot")');
  await page.fill('input.reply-text', 'answered from the console');
  await page.click('form.reply button[type="submit"]');
  const sent = await sim.waitForSent((s) => s.text === 'answered from the console', 10_000);
  expect(sent.toUserId).toBe('alice@im.wechat');
  await page.waitForSelector('.messages .message.mine:has-text("answered from the console")');
  await screenshot(page, 'ilink-2-chat');
  // No "rooms" error: the list is the users who wrote, rooms being something iLink has none of.
  expect(await page.locator('.chat-list .error').count()).toBe(0);
  expect(browser.problems.filter((p) => !p.includes('Failed to load resource'))).toEqual([]);
});
