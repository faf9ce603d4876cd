import type { RawMessage } from '../../src/protocol/wire.js';
import { BOT_MSG_ID_MEMORY, WebWxClient } from '../../src/client/client.js';
import { MemorySessionStore } from '../../src/session/file-store.js';
import { pino } from 'pino';
import { tempDir } from './helpers.js';

/** The private echo bookkeeping this test pins down (no public way to age ids out without sending 2,000 messages). */
interface EchoInternals {
  readonly botMsgIds: { add(id: string): void; has(id: string): boolean; readonly size: number };
  isBotMessage(raw: RawMessage): boolean;
}

const echo = (msgId: string): RawMessage =>
  ({ MsgId: msgId, FromUserName: '@self', ToUserName: '@bob', MsgType: 1, Content: 'hi' }) as RawMessage;

test('ids of sent messages are remembered for echo detection, but only the latest BOT_MSG_ID_MEMORY', () => {
  const { dir, cleanup } = tempDir();
  try {
    const client = new WebWxClient({
      dataDir: dir,
      account: 'bot',
      sessionStore: new MemorySessionStore(),
      logger: pino({ level: 'silent' }),
    });
    const internals = client as unknown as EchoInternals;
    const extra = 5;
    for (let i = 1; i <= BOT_MSG_ID_MEMORY + extra; i++) internals.botMsgIds.add(`id${i}`);
    expect(internals.botMsgIds.size).toBe(BOT_MSG_ID_MEMORY);
    // The oldest ids are forgotten: their echoes (long past) are no longer marked as the bot's.
    for (let i = 1; i <= extra; i++) expect(internals.isBotMessage(echo(`id${i}`))).toBe(false);
    expect(internals.isBotMessage(echo(`id${extra + 1}`))).toBe(true);
    expect(internals.isBotMessage(echo(`id${BOT_MSG_ID_MEMORY + extra}`))).toBe(true);
  } finally {
    cleanup();
  }
});
