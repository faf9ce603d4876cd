import { MESSAGE_KINDS, isChatMessage, isMessageKind } from '../../src/message/index.js';
import type { Message, MessageOfKind } from '../../src/message/index.js';

describe('message kinds', () => {
  it('lists every kind once and recognises only those', () => {
    expect(new Set(MESSAGE_KINDS).size).toBe(MESSAGE_KINDS.length);
    expect(isMessageKind('image')).toBe(true);
    expect(isMessageKind('mini-program')).toBe(true);
    expect(isMessageKind('picture')).toBe(false);
    expect(isMessageKind('')).toBe(false);
  });

  it('treats status-notify as internal', () => {
    const internal = { kind: 'status-notify' } as Message;
    const text = { kind: 'text' } as Message;
    expect(isChatMessage(internal)).toBe(false);
    expect(isChatMessage(text)).toBe(true);
    const narrowed: MessageOfKind<'text'> | undefined = text.kind === 'text' ? text : undefined;
    expect(narrowed?.kind).toBe('text');
  });
});
