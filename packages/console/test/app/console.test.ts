// The built console in real Chromium, against a stand-in for @wxbot/server (helpers/stand-in-server.ts).
import { jest } from '@jest/globals';
import { pluginOptionsJsonSchema } from '@wxbot/core';
import { autoreply } from '@wxbot/plugin-autoreply';
import type { Page } from 'playwright-core';

import { launch, screenshot, type Browser } from '../helpers/browser.js';
import { FAKE_SECRETS, startStandIn, TOKEN, type StandIn, type StandInOptions } from '../helpers/stand-in-server.js';

jest.setTimeout(60_000);

let browser: Browser;
let server: StandIn | undefined;
let page: Page | undefined;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser.close();
});
afterEach(async () => {
  await page?.close();
  page = undefined;
  await server?.close();
  server = undefined;
  // A page error or a failed script is a failure of the test that caused it.
  const problems = browser.problems.splice(0).filter((p) => !p.includes('Failed to load resource'));
  expect(problems).toEqual([]);
});

/** Opens the console as `wxbot start` prints it: the token in the fragment. */
async function open(route: string, options: StandInOptions = {}): Promise<{ page: Page; server: StandIn }> {
  server = await startStandIn(options);
  page = await browser.page();
  await page.goto(`${server.url}/#token=${TOKEN}`);
  await server.streams(1);
  if (route !== 'login') await page.click(`nav a[data-page="${route}"]`);
  return { page, server };
}

test('the token is taken from the fragment, kept in sessionStorage, and never put in a URL', async () => {
  const { page, server } = await open('login');
  await page.waitForSelector('img.qr');
  expect(page.url()).not.toContain(TOKEN);
  expect(page.url()).toMatch(/#\/login$/);
  // Expressions as text: the tests are type-checked without the DOM library.
  expect(await page.evaluate('Object.values(sessionStorage)')).toContain(TOKEN);
  expect(await page.content()).not.toContain(TOKEN);
  expect(server.requests.length).toBeGreaterThan(0);
  expect(server.requests.filter((r) => r.url.includes(TOKEN) || !r.auth)).toEqual([]);
  // A reload keeps working from sessionStorage, without the fragment.
  await page.reload();
  await page.waitForSelector('img.qr');
});

test('without a token the page asks for it, and a wrong one is asked for again', async () => {
  server = await startStandIn();
  page = await browser.page();
  await page.goto(`${server.url}/`);
  await page.waitForSelector('text=needs the console token');
  expect(server.requests).toEqual([]);
  await page.fill('form.token-form input[name="token"]', 'wrong-token-0123456789');
  await page.click('form.token-form button[type="submit"]');
  await page.waitForSelector('form.token-form');
  expect(await page.evaluate('Object.values(sessionStorage)')).toEqual([]);
  await page.fill('form.token-form input[name="token"]', TOKEN);
  await page.click('form.token-form button[type="submit"]');
  await page.waitForSelector('img.qr');
  expect(page.url()).not.toContain(TOKEN);
  expect(server.requests.filter((r) => r.url.includes(TOKEN))).toEqual([]);
});

test('the QR page shows the PNG and flips to logged-in when the phone confirms', async () => {
  const { page, server } = await open('login');
  const img = await page.waitForSelector('img.qr');
  await page.waitForFunction("document.querySelector('img.qr')?.complete === true");
  expect(await page.evaluate("document.querySelector('img.qr').naturalWidth")).toBeGreaterThan(0);
  expect(await img.getAttribute('src')).toMatch(/^blob:/);
  await screenshot(page, 'login-qr');
  server.scan();
  await page.waitForSelector('section.login[data-status="scanned"]');
  server.confirm();
  await page.waitForSelector('section.login[data-status="logged-in"] .self:has-text("Operator Bot")');
  expect(await page.$('img.qr')).toBeNull();
  await screenshot(page, 'login-done');
});

test('accounts show their state and health', async () => {
  const { page, server } = await open('accounts');
  await page.waitForSelector('tr[data-account="main"] .badge.busy');
  server.confirm();
  await page.waitForSelector('tr[data-account="main"] .badge.ok');
  expect(await page.textContent('tr[data-account="main"]')).toContain('Operator Bot');
});

test('the chat view shows an incoming message live and sends the reply through the API', async () => {
  const { page, server } = await open('chats');
  await page.click('button.chat-item[data-chat="wxid_alice"]');
  await page.waitForSelector('.chat-view h2:has-text("Alice")');
  server.incoming('wxid_alice', 'hello from Alice');
  await page.waitForSelector('.messages .message:has-text("hello from Alice")');
  // A message in another chat is counted as unread, not shown here.
  server.incoming('wxid_bob', 'psst from Bob');
  await page.waitForSelector('button.chat-item[data-chat="wxid_bob"] .unread:has-text("1")');
  expect(await page.textContent('.messages')).not.toContain('psst from Bob');
  await page.fill('input.reply-text', 'hi Alice, from the console');
  await page.click('form.reply button[type="submit"]');
  await page.waitForSelector('.messages .message.mine:has-text("hi Alice, from the console")');
  expect(server.sent).toEqual([{ chat: 'wxid_alice', text: 'hi Alice, from the console' }]);
  expect(await page.inputValue('input.reply-text')).toBe('');
  await screenshot(page, 'chat');
});

test('a plugin form is generated from its schema and refuses a bad number', async () => {
  const { page, server } = await open('plugins');
  const plugin = '[data-plugin="@wxbot/plugin-autoreply"]';
  await page.waitForSelector(`${plugin} form.schema-form`);
  // Every kind of field, filled from the plugin's current options.
  expect(await page.inputValue(`${plugin} [data-path="cooldownSeconds"] input`)).toBe('30');
  expect(await page.inputValue(`${plugin} [data-path="match"] select`)).toBe('contains');
  expect(await page.$(`${plugin} [data-path="ignoreRooms"] input[type="checkbox"]`)).not.toBeNull();
  expect(await page.inputValue(`${plugin} [data-path="rules[0].keyword"] input`)).toBe('hi');
  expect(await page.$(`${plugin} [data-path="limits.perHour"] input`)).not.toBeNull();

  await page.fill(`${plugin} [data-path="cooldownSeconds"] input`, '12abc');
  await page.click(`${plugin} form.schema-form button[type="submit"]`);
  await page.waitForSelector(`${plugin} .field-error[data-path="cooldownSeconds"]:has-text("must be a number")`);
  await screenshot(page, 'plugin-form-error');
  await page.fill(`${plugin} [data-path="cooldownSeconds"] input`, '-1');
  await page.waitForSelector(`${plugin} .field-error[data-path="cooldownSeconds"]:has-text("at least 0")`);
  // Arrays grow and their items are checked too.
  await page.click(`${plugin} [data-path="rules"] > button.add`);
  await page.fill(`${plugin} [data-path="cooldownSeconds"] input`, '5');
  await page.click(`${plugin} form.schema-form button[type="submit"]`);
  await page.waitForSelector(`${plugin} .field-error[data-path="rules[1].keyword"]:has-text("required")`);
  expect(server.savedOptions).toEqual([]);
  await page.click(`${plugin} [data-path="rules"] .array-item:nth-of-type(2) button.remove`);
  await page.click(`${plugin} form.schema-form button[type="submit"]`);
  await page.waitForSelector(`${plugin} .form-status:has-text("saved")`);
  expect(server.savedOptions).toEqual([
    {
      plugin: '@wxbot/plugin-autoreply',
      options: { cooldownSeconds: 5, match: 'contains', rules: [{ keyword: 'hi', reply: 'hello' }] },
    },
  ]);
  // A failed plugin says why.
  expect(await page.textContent('[data-plugin="broken-plugin"] .plugin-error')).toContain('cannot read config.apiKey');
});

test("the autoreply plugin's real options schema (from its zod options) becomes a working form", async () => {
  const optionsSchema = pluginOptionsJsonSchema(autoreply);
  expect(optionsSchema).toBeDefined();
  const { page, server } = await open('plugins', { optionsSchema: optionsSchema! });
  const plugin = '[data-plugin="@wxbot/plugin-autoreply"]';
  await page.waitForSelector(`${plugin} form.schema-form`);
  // Defaults fill the form; enums are selects, booleans checkboxes, nested objects fieldsets.
  expect(await page.inputValue(`${plugin} [data-path="chats"] select`)).toBe('all');
  expect(await page.isChecked(`${plugin} [data-path="watch"] input`)).toBe(false);
  expect(await page.inputValue(`${plugin} [data-path="cooldown.chatMs"] input`)).toBe('1000');
  // What JSON cannot carry (the controller object) is shown, not editable.
  await page.waitForSelector(`${plugin} [data-path="controller"] .hint`);
  await page.fill(`${plugin} [data-path="cooldown.chatMs"] input`, '1.5');
  await page.click(`${plugin} form.schema-form button[type="submit"]`);
  await page.waitForSelector(`${plugin} .field-error[data-path="cooldown.chatMs"]:has-text("whole number")`);
  await page.fill(`${plugin} [data-path="cooldown.chatMs"] input`, '250');
  await page.selectOption(`${plugin} [data-path="chats"] select`, 'rooms');
  await page.click(`${plugin} form.schema-form button[type="submit"]`);
  await page.waitForSelector(`${plugin} .form-status:has-text("saved")`);
  expect(server.savedOptions[0]?.options).toMatchObject({ chats: 'rooms', cooldown: { chatMs: 250 } });
  await screenshot(page, 'plugin-autoreply-form');
});

test('a per-chat switch turns a plugin off in one chat and back on', async () => {
  const { page, server } = await open('plugins');
  const plugin = '[data-plugin="@wxbot/plugin-autoreply"]';
  await page.click(`${plugin} details.switches summary`);
  const alice = `${plugin} input.switch[data-chat="wxid_alice"]`;
  await page.waitForSelector(alice);
  expect(await page.isChecked(alice)).toBe(true);
  // A chat without a stable id cannot be switched (it would not survive a re-login).
  expect(await page.isDisabled(`${plugin} input.switch[data-chat="@temp_session_name"]`)).toBe(true);
  await page.click(alice);
  await page.waitForSelector(`${plugin} details.switches summary:has-text("1 off")`);
  expect(await page.isChecked(alice)).toBe(false);
  await page.click(alice);
  await page.waitForSelector(`${plugin} details.switches summary:has-text("0 off")`);
  expect(await page.isChecked(alice)).toBe(true);
  expect(server.switches).toEqual([
    { plugin: '@wxbot/plugin-autoreply', chat: 'wxid_alice', enabled: false },
    { plugin: '@wxbot/plugin-autoreply', chat: 'wxid_alice', enabled: true },
  ]);
});

test('the action log lists what plugins and the API did, live', async () => {
  const { page, server } = await open('chats');
  await page.click('button.chat-item[data-chat="wxid_bob"]');
  await page.fill('input.reply-text', 'sent by the operator');
  await page.click('form.reply button[type="submit"]');
  await page.waitForSelector('.message.mine:has-text("sent by the operator")');
  await page.click('nav a[data-page="actions"]');
  await page.waitForSelector('tr[data-seq="1"]:has-text("auto: hi Bob")');
  await page.waitForSelector('tr[data-seq="2"]:has-text("sent by the operator")');
  expect(await page.textContent('tr[data-seq="2"]')).toContain('api');
  expect(server.sent).toHaveLength(1);
});

test('secrets never reach the page: the log tail is masked and no page shows a session value', async () => {
  const { page } = await open('logs');
  await page.waitForSelector('.log-tail:has-text("skey=***")');
  await screenshot(page, 'logs');
  const seen: string[] = [];
  for (const route of ['logs', 'login', 'accounts', 'chats', 'plugins', 'actions']) {
    await page.click(`nav a[data-page="${route}"]`);
    await page.waitForSelector(`nav a.current[data-page="${route}"]`);
    seen.push(await page.content(), await page.innerText('body'));
  }
  for (const secret of [...FAKE_SECRETS, TOKEN]) for (const text of seen) expect(text).not.toContain(secret);
});

test('the phone panel appears in simulator mode and speaks as a friend', async () => {
  const { page, server } = await open('phone', { phone: true });
  await page.waitForSelector('select.phone-from option[value="wxid_alice"]', { state: 'attached' });
  await page.selectOption('select.phone-from', 'wxid_bob');
  await page.fill('input.phone-text', 'hello bot, Bob here');
  await page.click('section.phone button[type="submit"]');
  await page.waitForSelector('.phone-log li:has-text("Bob: hello bot, Bob here")');
  await page.selectOption('select.phone-room', '123@chatroom');
  await page.fill('input.phone-text', 'in the room');
  await page.click('section.phone button[type="submit"]');
  await page.waitForSelector('.phone-log li:has-text("in the room")');
  expect(server.phoneSaid).toEqual([
    { from: 'wxid_bob', text: 'hello bot, Bob here' },
    { from: 'wxid_bob', text: 'in the room', room: '123@chatroom' },
  ]);
});

test('without the simulator there is no phone panel', async () => {
  const { page } = await open('login');
  await page.waitForSelector('nav a[data-page="plugins"]');
  // The shell says when its probe for the panel has had its answer (a 404 here).
  await page.waitForSelector('.shell[data-phone="no"]');
  expect(await page.$('nav a[data-page="phone"]')).toBeNull();
});

test('a page whose route the server lacks says so plainly', async () => {
  const { page } = await open('logs', { noLogs: true });
  await page.waitForSelector('section.logs .error:has-text("does not offer this yet")');
});
