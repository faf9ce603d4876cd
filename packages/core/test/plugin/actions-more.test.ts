import { PassThrough } from 'node:stream';

import { ActionLog, createActions } from '../../src/plugin/actions.js';
import { ALICE, BOB, BOOK_CLUB, fakeBackend, message } from './helpers.js';

const by = { plugin: 'p', cause: 'm1' };

describe('plugin actions: media, revoke, forward, rooms.create, addFriend, avatar, markRead', () => {
  test('each goes to the client with resolved targets and is recorded for the plugin', async () => {
    const backend = fakeBackend();
    const log = new ActionLog();
    const actions = createActions(backend, log, by);
    const image = message('', { from: ALICE, kind: 'image' });
    const stream = new PassThrough();
    await expect(actions.messages.download(image, { stream }, { slave: true })).resolves.toEqual({ bytes: 3 });
    const sent = await actions.send('Bob', 'oops');
    await actions.messages.revoke(sent);
    await actions.messages.forward(image, 'Alice');
    const created = await actions.rooms.create(['Alice', 'wxid_bob'], 'Project');
    expect(created.userName).toBe('@@new');
    await actions.contacts.addFriend('Bob', 'hi, from the book club');
    await actions.contacts.avatar('Book club', { stream });
    await actions.chats.markRead('Alice');
    expect(backend.calls.map((c) => [c.method, ...c.args.filter((a) => typeof a === 'string')])).toEqual([
      ['download'],
      ['sendText', '@bob', 'oops'],
      ['revoke'],
      ['forward', '@alice'],
      ['createRoom', 'Project'],
      ['addFriend', '@bob', 'hi, from the book club'],
      ['avatar', '@@book'],
      ['markRead', '@alice'],
    ]);
    expect(backend.calls[0]!.args[0]).toBe(image);
    expect(backend.calls[0]!.args[2]).toEqual({ slave: true });
    expect(backend.calls.find((c) => c.method === 'createRoom')!.args[0]).toEqual(['@alice', '@bob']);
    const records = log.all().map((r) => ({
      action: r.action,
      plugin: r.plugin,
      cause: r.cause,
      target: r.target,
      messageId: r.messageId,
      status: r.status,
    }));
    expect(records).toEqual([
      { action: 'download', plugin: 'p', cause: 'm1', target: '@alice', messageId: image.id, status: 'done' },
      { action: 'send', plugin: 'p', cause: 'm1', target: '@bob', messageId: undefined, status: 'done' },
      { action: 'revoke', plugin: 'p', cause: 'm1', target: '@bob', messageId: sent.msgId, status: 'done' },
      { action: 'forward', plugin: 'p', cause: 'm1', target: '@alice', messageId: image.id, status: 'done' },
      { action: 'createRoom', plugin: 'p', cause: 'm1', target: '', messageId: undefined, status: 'done' },
      { action: 'addFriend', plugin: 'p', cause: 'm1', target: '@bob', messageId: undefined, status: 'done' },
      { action: 'avatar', plugin: 'p', cause: 'm1', target: '@@book', messageId: undefined, status: 'done' },
      { action: 'markRead', plugin: 'p', cause: 'm1', target: '@alice', messageId: undefined, status: 'done' },
    ]);
    const log2 = log.all();
    expect(log2[4]).toMatchObject({ members: ['@alice', '@bob'], topic: 'Project', targetName: 'Project' });
    expect(log2[5]).toMatchObject({ verifyText: 'hi, from the book club', targetName: 'Bob' });
    expect(log2[6]).toMatchObject({ targetName: BOOK_CLUB.topic });
    expect(BOB.userName).toBe('@bob');
  });

  test('bad arguments are rejected with what is wrong, and nothing reaches the client', async () => {
    const backend = fakeBackend();
    const actions = createActions(backend, new ActionLog(), by);
    await expect(actions.rooms.create(['Alice'])).rejects.toThrow(/at least 2 other members, got 1/);
    await expect(actions.rooms.create(['Alice', 'Nobody'])).rejects.toThrow(/member "Nobody": no contact/);
    await expect(actions.messages.download(undefined as never, { stream: new PassThrough() })).rejects.toThrow(
      /messages\.download: expected a message a handler received/,
    );
    await expect(actions.messages.revoke({} as never)).rejects.toThrow(/expected what send\(\) resolved with/);
    await expect(actions.contacts.addFriend('Bob', undefined as never)).rejects.toThrow(/verifyText must be a string/);
    await expect(actions.chats.markRead('')).rejects.toThrow(/chat is an empty string/);
    expect(backend.calls).toEqual([]);
  });

  test('a failed action is recorded as failed with its error', async () => {
    const backend = fakeBackend();
    const log = new ActionLog();
    const actions = createActions(backend, log, by);
    backend.failNext = new Error('server says no');
    await expect(actions.chats.markRead('Alice')).rejects.toThrow('server says no');
    expect(log.all()[0]).toMatchObject({ action: 'markRead', status: 'failed', error: 'server says no' });
  });
});
