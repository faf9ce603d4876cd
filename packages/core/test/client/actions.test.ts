import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { NotFriend, RateLimited, SendExpired } from '../../src/client/errors.js';
import type { IncomingMessage } from '../../src/client/types.js';
import { simSuite, waitFor } from './helpers.js';

describe('actions', () => {
  const env = simSuite();

  it('sends text, emoticon, image, video and file (chunked, MediaId reused), revokes and forwards', async () => {
    const { sim, client } = await env.startWithClient();
    client.setMessageHandler(async () => {});
    await client.start();
    const bob = sim.userNameOf('wxid_bob');
    const text = await client.sendText(bob, 'plain');
    await client.sendEmoticon(bob, 'a'.repeat(32));
    const big = Buffer.alloc(1_300_000, 7); // 3 chunks of 512 KiB
    const img1 = await client.sendImage(bob, big, 'pic.jpg');
    const img2 = await client.sendImage(bob, big, 'pic.jpg');
    await client.sendVideo(bob, Buffer.from('video-bytes'), 'v.mp4');
    await client.sendFile(bob, Buffer.from('file-bytes'), 'report.pdf');
    await client.revoke(text);
    await client.forward(
      { MsgId: '1', FromUserName: bob, ToUserName: bob, MsgType: 1, Content: 'fw &lt;x&gt;', CreateTime: 0 },
      sim.userNameOf('wxid_alice'),
    );
    const eps = sim.actions().map((a) => a.endpoint);
    for (const ep of [
      'webwxsendmsg',
      'webwxsendemoticon',
      'webwxsendmsgimg',
      'webwxsendvideomsg',
      'webwxsendappmsg',
      'webwxrevokemsg',
    ]) {
      expect(eps).toContain(ep);
    }
    // The simulator records every upload request, chunks included; the last chunk finishes an upload.
    const uploads = sim
      .actions()
      .filter((a) => a.endpoint === 'webwxuploadmedia' && (a.chunk ?? 0) === (a.chunks ?? 1) - 1);
    // The image once (its MediaId is reused), video, file.
    expect(uploads.length).toBe(3);
    expect(sim.actions().filter((a) => a.endpoint === 'webwxuploadmedia').length).toBeGreaterThan(3);
    expect(img1.msgId).not.toBe(img2.msgId);
    expect(
      sim
        .actions()
        .filter((a) => a.endpoint === 'webwxsendmsg')
        .map((a) => a.content),
    ).toEqual(['plain', 'fw <x>']);
    expect(sim.actions().every((a) => a.ret === 0)).toBe(true);
    await client.stop();
  });

  it('friend and room operations hit the right endpoints with the right opcodes', async () => {
    const { sim, client } = await env.startWithClient();
    const got: IncomingMessage[] = [];
    client.setMessageHandler(async (m) => {
      got.push(m);
    });
    await client.start();
    const { ticket } = sim.friendRequest({ from: { wxid: 'wxid_frank', nickName: 'Frank' }, text: 'hi' });
    await waitFor(() => got.some((m) => m.raw.MsgType === 37), 'friend request');
    const req = got.find((m) => m.raw.MsgType === 37)!.raw.RecommendInfo!;
    expect(req.Ticket).toBe(ticket);
    expect(client.contacts.contact(req.UserName)).toBeUndefined();
    await client.acceptFriend({ userName: req.UserName, ticket: req.Ticket });
    // Known at once, by name, before any sync brings the contact change.
    expect(client.contacts.contact(req.UserName)).toMatchObject({ kind: 'friend', nickName: 'Frank' });
    await client.addFriend(sim.userNameOf('wxid_erin'), 'hello erin');
    const alice = sim.userNameOf('wxid_alice');
    const bob = sim.userNameOf('wxid_bob');
    const carol = sim.userNameOf('wxid_carol');
    const room = await client.createRoom([alice, bob], 'New room');
    expect(room.kind).toBe('room');
    await client.addMembers(room.userName, [carol]);
    await client.removeMembers(room.userName, [carol]);
    await client.inviteMembers(room.userName, [carol]);
    await client.setTopic(room.userName, 'Renamed room');
    await client.setRemark(alice, 'Al');
    await client.pin(alice, true);
    await client.pin(alice, false);
    await client.markRead(alice);
    const acts = sim.actions();
    const verify = acts.filter((a) => a.endpoint === 'webwxverifyuser').map((a) => a.op);
    expect(verify).toEqual(['3', '2']);
    const funs = acts.filter((a) => a.endpoint === 'webwxupdatechatroom').map((a) => a.op);
    expect(funs).toEqual(['addmember', 'delmember', 'invitemember', 'modtopic']);
    expect(acts.filter((a) => a.endpoint === 'webwxoplog')).toHaveLength(3);
    expect(acts.filter((a) => a.endpoint === 'webwxcreatechatroom')).toHaveLength(1);
    expect(acts.filter((a) => a.ret !== 0)).toEqual([]);
    await client.stop();
  });

  it('1205 under a burst: slows down, retries, emits rate-limited, and every message is sent exactly once', async () => {
    const { sim, client } = await env.startWithClient(
      { rateLimit: { max: 3, windowMs: 300 } },
      {
        rateLimits: { text: { burst: 20, perSecond: 200 } },
        recovery: { backoff: { baseMs: 150, maxMs: 400 }, rateLimitRetries: 6, keepAliveMs: 0, watchdogMs: 0 },
      },
    );
    client.setMessageHandler(async () => {});
    await client.start();
    const limited: number[] = [];
    client.on('rate-limited', (e) => limited.push(e.retryInMs));
    const bob = sim.userNameOf('wxid_bob');
    const sends = await Promise.all(Array.from({ length: 8 }, (_, i) => client.sendText(bob, `burst ${i}`)));
    expect(new Set(sends.map((s) => s.msgId)).size).toBe(8);
    expect(limited.length).toBeGreaterThan(0);
    const ok = sim
      .actions()
      .filter((a) => a.endpoint === 'webwxsendmsg' && a.ret === 0)
      .map((a) => a.content);
    expect(ok.sort()).toEqual(Array.from({ length: 8 }, (_, i) => `burst ${i}`).sort());
    await client.stop();
  });

  it('maps Ret 1204 to NotFriend; persistent 1205 to SendExpired for a message, RateLimited for a room action', async () => {
    const { sim, client } = await env.startWithClient(
      {},
      {
        recovery: { backoff: { baseMs: 5, maxMs: 10 }, rateLimitRetries: 1, keepAliveMs: 0, watchdogMs: 0 },
        sends: { maxAgeMs: 200 },
      },
    );
    client.setMessageHandler(async () => {});
    await client.start();
    const bob = sim.userNameOf('wxid_bob');
    sim.addFault({ kind: 'ret', ret: 1204, endpoint: 'webwxsendmsg', times: 1 });
    const e1 = await client.sendText(bob, 'x').catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(NotFriend);
    expect(e1).toMatchObject({ code: 'NOT_FRIEND', endpoint: 'webwxsendmsg', ret: 1204 });
    sim.addFault({ kind: 'ret', ret: 1205, endpoint: ['webwxsendmsg', 'webwxupdatechatroom'] });
    // A message waits out the refusal until sends.maxAgeMs; rateLimitRetries does not cut it short.
    const e2 = await client.sendText(bob, 'y').catch((e: unknown) => e);
    expect(e2).toBeInstanceOf(SendExpired);
    expect(e2).toMatchObject({ code: 'SEND_EXPIRED', endpoint: 'webwxsendmsg', maxAgeMs: 200 });
    const e3 = await client.setTopic(sim.userNameOf('1000000001@chatroom'), 't').catch((e: unknown) => e);
    expect(e3).toBeInstanceOf(RateLimited);
    expect(e3).toMatchObject({ code: 'RATE_LIMITED', endpoint: 'webwxupdatechatroom?fun=modtopic' });
    sim.clearFaults();
    await client.stop();
  });

  it('downloads media to a stream and to a directory; a hostile FileName never escapes it', async () => {
    const { sim, client } = await env.startWithClient();
    const got: IncomingMessage[] = [];
    client.setMessageHandler(async (m) => {
      got.push(m);
    });
    await client.start();
    const bytes = Buffer.from('%PDF-1.4 fake file body');
    sim.send({ from: 'wxid_alice', kind: 'file', data: bytes, fileName: '../../evil.pdf' });
    sim.send({ from: 'wxid_alice', kind: 'image', data: Buffer.from('imgdata') });
    await waitFor(() => got.length >= 2, 'file and image');
    const file = got.find((m) => m.raw.MsgType === 49)!;
    const dir = join(env.dir, 'dl');
    const res = await client.download(file.raw, { dir });
    expect(res.path!.startsWith(dir)).toBe(true);
    expect(await readdir(dir)).toEqual(['evil.pdf']);
    expect(await readFile(res.path!)).toEqual(bytes);
    const img = got.find((m) => m.raw.MsgType === 3)!;
    const sink = new PassThrough();
    const chunks: Buffer[] = [];
    sink.on('data', (c: Buffer) => chunks.push(c));
    const r2 = await client.download(img.raw, { stream: sink });
    expect(r2.bytes).toBeGreaterThan(0);
    expect(Buffer.concat(chunks).length).toBe(r2.bytes);
    await client.stop();
  });

  it('two received files of one name both survive, and the data dir is refused as a download target', async () => {
    const { sim, client } = await env.startWithClient();
    const got: IncomingMessage[] = [];
    client.setMessageHandler(async (m) => {
      got.push(m);
    });
    await client.start();
    sim.send({ from: 'wxid_alice', kind: 'file', data: Buffer.from('first'), fileName: 'bot.session.json' });
    sim.send({ from: 'wxid_bob', kind: 'file', data: Buffer.from('second'), fileName: 'bot.session.json' });
    await waitFor(() => got.length >= 2, 'two files');
    const dir = join(env.dir, 'same-name');
    const paths = [];
    for (const m of got) paths.push((await client.download(m.raw, { dir })).path!);
    expect((await readdir(dir)).sort()).toEqual(['bot.session (1).json', 'bot.session.json']);
    expect((await Promise.all(paths.map((p) => readFile(p, 'utf8')))).sort()).toEqual(['first', 'second']);
    await expect(client.download(got[0]!.raw, { dir: env.dir })).rejects.toThrow(/account\.dataDir/);
    await client.stop();
  });
});
