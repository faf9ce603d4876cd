/* eslint-disable @typescript-eslint/no-meaningless-void-operator, @typescript-eslint/no-unnecessary-type-parameters, @typescript-eslint/no-unused-vars -- type tests reference values only to check their types */
// Type-level tests: handler contexts are narrowed by their filter query.
import { definePlugin } from '../../src/plugin/index.js';
import type { FilterQuery } from '../../src/plugin/index.js';
import type { FriendRequestInfo, ImageMessage, Message, TextMessage } from '../../src/message/types.js';

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assertType = <T extends true>(value?: T): T | undefined => value;

definePlugin({
  name: 'narrowing',
  setup(ctx) {
    ctx.on('message:text', (m) => {
      assertType<Equals<typeof m.message, TextMessage>>();
      const kind: 'text' = m.message.kind;
      void kind;
    });
    ctx.on('message:image', (m) => {
      assertType<Equals<typeof m.message, ImageMessage>>();
      const width: number | undefined = m.message.width;
      void width;
      // @ts-expect-error an image message has no `quoted`
      void m.message.quoted;
    });
    ctx.on(['message:text', 'message:image'], (m) => {
      assertType<Equals<typeof m.message, TextMessage | ImageMessage>>();
    });
    ctx.on('message', (m) => {
      // @ts-expect-error status-notify is internal and never reaches plugins
      const internal: Extract<Message, { kind: 'status-notify' }> = m.message;
      void internal;
      void m.reply('ok');
    });
    ctx.on('friend:request', async (r) => {
      assertType<Equals<typeof r.request, FriendRequestInfo>>();
      await r.accept();
      // @ts-expect-error friend requests have no chat to reply in
      void r.reply;
    });
    ctx.on('room:join', (j) => {
      const names: string[] = j.invitees.map((p) => p.name);
      void names;
      void j.reply('welcome');
    });
    ctx.use((m) => {
      // @ts-expect-error a plain `use` sees every event: `message` exists only after narrowing
      void m.message;
      if (m.type === 'message') void m.message.text;
    });
    ctx.hears(/^hi (\w+)/, (m) => {
      const who: string | undefined = m.match[1];
      void who;
      assertType<Equals<typeof m.message, TextMessage>>();
    });
    ctx.command('kick', (m) => {
      const args: readonly string[] = m.command.args;
      const first: string | undefined = m.command.mentions[0]?.userName;
      void args;
      void first;
    });
    ctx.inRoom('Book club').on('message:text', (m) => {
      void m.text;
    });
    // @ts-expect-error unknown queries are compile errors too
    ctx.on('message:txt', () => undefined);
    // @ts-expect-error status-notify is not a query
    ctx.on('message:status-notify', () => undefined);
    ctx.use((_m, next) => next());
  },
});

const q: FilterQuery = 'room:topic';
void q;
