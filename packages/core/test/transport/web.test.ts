import type { IncomingMessage, MessageHandler, MessageHandlerOptions, WxClient } from '../../src/client/types.js';
import type { SentMessage } from '../../src/message/sent.js';
import type { RecallMessage } from '../../src/message/types.js';
import type { InboundMessage } from '../../src/transport/types.js';
import { WEB_CAPABILITIES, webTransport } from '../../src/transport/web.js';
import { fixture, worldDirectory } from '../message/fixtures.js';

/** Just enough of a Web client: the handler it is given, and calls it receives. */
function fakeClient() {
  const calls: [string, unknown[]][] = [];
  let handler: MessageHandler | undefined;
  let options: MessageHandlerOptions | undefined;
  const listeners: [string, unknown][] = [];
  const record =
    (method: string) =>
    (...args: unknown[]) => {
      calls.push([method, args]);
      return Promise.resolve({} as SentMessage);
    };
  const client = {
    account: 'acct',
    state: 'syncing',
    contacts: worldDirectory(),
    self: undefined,
    setMessageHandler: (h: MessageHandler, o?: MessageHandlerOptions) => {
      handler = h;
      options = o;
    },
    on: (event: string, listener: unknown) => listeners.push([event, listener]),
    forward: record('forward'),
    download: record('download'),
    sendText: record('sendText'),
  } as unknown as WxClient;
  const deliver = (raw: string, sentByBot = false): Promise<void> =>
    handler!({ raw: fixture(raw), sentByBot, receivedAt: 42 } satisfies IncomingMessage);
  return { client, calls, listeners, deliver, options: () => options };
}

describe('webTransport', () => {
  test('normalises what the client receives: message, events, sentByBot, receivedAt', async () => {
    const { client, deliver } = fakeClient();
    const transport = webTransport(client);
    const seen: InboundMessage[] = [];
    transport.setHandler(async (inbound) => void seen.push(inbound));
    await deliver('friend_request', true);
    expect(seen).toHaveLength(1);
    const [{ message, events, sentByBot, receivedAt }] = seen as [InboundMessage];
    expect(message.kind).toBe('friend-request');
    expect(events.map((e) => e.type)).toEqual(['friend-request']);
    expect([sentByBot, receivedAt]).toEqual([true, 42]);
  });

  test("passes the runtime's durableOwnMessages to the client as journalOwn, and nothing when it gave none", () => {
    const a = fakeClient();
    let durable = false;
    webTransport(a.client).setHandler(() => Promise.resolve(), { durableOwnMessages: () => durable });
    expect(a.options()?.journalOwn?.()).toBe(false);
    durable = true;
    expect(a.options()?.journalOwn?.()).toBe(true);
    const b = fakeClient();
    webTransport(b.client).setHandler(() => Promise.resolve());
    expect(b.options()?.journalOwn).toBeUndefined();
  });

  test('keeps recent messages, so a recall names its original', async () => {
    const { client, deliver } = fakeClient();
    const transport = webTransport(client);
    const seen: InboundMessage[] = [];
    transport.setHandler(async (inbound) => void seen.push(inbound));
    await deliver('recall_private_original');
    await deliver('recall_private');
    const recall = seen[1]!.message as RecallMessage;
    expect(recall.kind).toBe('recall');
    expect(recall.original).toBe(seen[0]!.message);
  });

  test('is named web, offers Web capabilities, and hands the client the raw entry to forward or download', async () => {
    const { client, calls, deliver } = fakeClient();
    const transport = webTransport(client);
    expect([transport.name, transport.account, transport.state]).toEqual(['web', 'acct', 'syncing']);
    expect(transport.capabilities).toBe(WEB_CAPABILITIES);
    expect(transport.client).toBe(client);
    let inbound: InboundMessage | undefined;
    transport.setHandler(async (i) => void (inbound = i));
    await deliver('recall_private_original');
    const target = { dir: '/tmp/x' };
    await transport.forward(inbound!.message, '@to');
    await transport.download(inbound!.message, target);
    expect(calls).toEqual([
      ['forward', [inbound!.message.raw, '@to']],
      ['download', [inbound!.message.raw, target, undefined]],
    ]);
  });

  test('lifecycle events are the client’s', () => {
    const { client, listeners } = fakeClient();
    const onLogout = (): void => {};
    expect(webTransport(client).on('logout', onLogout)).toBeDefined();
    expect(listeners).toEqual([['logout', onLogout]]);
  });
});
