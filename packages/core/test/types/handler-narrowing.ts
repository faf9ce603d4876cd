/* eslint-disable @typescript-eslint/no-meaningless-void-operator, @typescript-eslint/no-unnecessary-type-parameters, @typescript-eslint/no-unused-vars -- type tests reference values only to check their types */
// Type-level tests: handler contexts are narrowed by their filter query.
import { definePlugin } from '../../src/plugin/index.js';
import type { FilterQuery } from '../../src/plugin/index.js';
import type {
  ChatMessage,
  FriendRequestInfo,
  ImageMessage,
  Message,
  PersonRef,
  RecallMessage,
  RoomJoinEvent,
  TextMessage,
} from '../../src/message/types.js';
import type { LoginVia, LogoutReason } from '../../src/client/types.js';
import type { BanRiskSignal, Contact } from '../../src/index.js';

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
    // Lifecycle and derived events narrow like the others (issue 16 item 3).
    ctx.on('login', (l) => {
      assertType<Equals<typeof l.via, LoginVia>>();
      assertType<Equals<typeof l.self, Contact>>();
      // @ts-expect-error a login has no chat to reply in
      void l.reply;
    });
    ctx.on('logout', (l) => {
      assertType<Equals<typeof l.reason, LogoutReason>>();
      assertType<Equals<typeof l.retcode, number | undefined>>();
    });
    ctx.on('ban', (b) => {
      assertType<Equals<typeof b.serverMessage, string>>();
    });
    ctx.on('ban-risk', (r) => {
      assertType<Equals<typeof r.signal, BanRiskSignal>>();
      const signal: 'rate-limit-storm' | 'early-logout' | 'repeated-kicks' = r.signal;
      void signal;
    });
    ctx.on('contacts:updated', (c) => {
      assertType<Equals<typeof c.updated, readonly string[]>>();
    });
    ctx.on('room:bot-added', (j) => {
      assertType<Equals<typeof j.event, RoomJoinEvent>>();
      assertType<Equals<typeof j.inviter, PersonRef | undefined>>();
      void j.reply('hello, room');
    });
    ctx.on('recall', (r) => {
      assertType<Equals<typeof r.message, RecallMessage>>();
      assertType<Equals<typeof r.original, ChatMessage | undefined>>();
      void r.reply('seen');
      // @ts-expect-error a recall event is not a message context: no `text`
      void r.text;
    });
    ctx.on(['login', 'logout'], (e) => {
      assertType<Equals<typeof e.type, 'login' | 'logout'>>();
    });
    ctx.on('message:recall', (m) => {
      assertType<Equals<typeof m.message, RecallMessage>>();
    });
    // @ts-expect-error unknown event queries are compile errors
    ctx.on('bot:login', () => undefined);
  },
});

const q: FilterQuery = 'room:topic';
void q;
