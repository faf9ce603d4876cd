import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import {
  ActionRefused,
  RecallWindowPassed,
  REVOKE_WINDOW_MS,
  RoomNeedsInvite,
  ServerError,
  TicketInvalid,
  isServerVerdict,
} from '../../src/client/errors.js';
import { FAST, newClient, simSuite } from './helpers.js';

/** Typed outcomes of client actions against the simulator (issue 16 items 1 and 2). */
describe('action outcomes', () => {
  const env = simSuite();

  it('revoking a message older than 2 minutes is RecallWindowPassed, without calling the server', async () => {
    const { sim, client } = await env.startWithClient();
    await client.start();
    const bob = sim.userNameOf('wxid_bob');
    const sent = await client.sendText(bob, 'oops');
    expect(sent.sentAt).toBeGreaterThan(0);
    const old = { ...sent, sentAt: Date.now() - REVOKE_WINDOW_MS - 1 };
    const err = await client.revoke(old).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RecallWindowPassed);
    expect(err).toMatchObject({ code: 'RECALL_WINDOW_PASSED', windowMs: 120_000 });
    // The server's rule, not the plugin's fault: the host does not count it as a plugin failure.
    expect(isServerVerdict(err)).toBe(true);
    expect(sim.actions().filter((a) => a.endpoint === 'webwxrevokemsg')).toHaveLength(0);
    // A young one is revoked.
    await client.revoke(sent);
    expect(sim.actions().filter((a) => a.endpoint === 'webwxrevokemsg' && a.ret === 0)).toHaveLength(1);
  });

  it("the server's own refusal of a late revoke (Ret -1) is RecallWindowPassed too", async () => {
    // A window already closed: the server refuses every revoke with its "more than 2 minutes" answer.
    const { sim, client } = await env.startWithClient({ revokeWindowMs: -1_000 });
    await client.start();
    const sent = await client.sendText(sim.userNameOf('wxid_bob'), 'late');
    const { sentAt: _ignored, ...unknownAge } = sent;
    const err = await client.revoke(unknownAge).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RecallWindowPassed);
    expect((err as RecallWindowPassed).ageMs).toBeUndefined();
    expect(
      sim
        .actions()
        .filter((a) => a.endpoint === 'webwxrevokemsg')
        .map((a) => a.ret),
    ).toEqual([-1]);
  });

  it('adding to a room at InviteStartCount invites instead of a bare Ret 1', async () => {
    // 测试群 has 4 members; a threshold of 3 makes it a "large" room.
    const { sim, client } = await env.startWithClient({ inviteStartCount: 3 });
    await client.start();
    const room = sim.userNameOf('1000000001@chatroom');
    await client.addMembers(room, [sim.userNameOf('wxid_carol')]);
    const calls = sim.actions().filter((a) => a.endpoint === 'webwxupdatechatroom');
    expect(calls.map((a) => [a.op, a.ret])).toEqual([['invitemember', 0]]);
    expect(calls[0]!.members).toEqual(['wxid_carol']);
  });

  it('a room that grew past InviteStartCount unseen: the Ret 1 is checked against a fresh roster, then invites', async () => {
    const { sim, client } = await env.startWithClient({ inviteStartCount: 5 });
    await client.start();
    const id = '1000000001@chatroom';
    const room = sim.userNameOf(id);
    expect(client.contacts.room(room)?.members.size).toBe(4);
    // The server's room grows without a sync telling the client (a missed update).
    sim.world.room(id)!.members.set('dave1988', { wxid: 'dave1988', displayName: '' });
    await client.addMembers(room, [sim.userNameOf('wxid_carol')]);
    const calls = sim.actions().filter((a) => a.endpoint === 'webwxupdatechatroom');
    expect(calls.map((a) => [a.op, a.ret])).toEqual([
      ['addmember', 1],
      ['invitemember', 0],
    ]);
    expect(client.contacts.room(room)?.members.size).toBe(5);
    // A Ret 1 with a roster below the threshold stays ActionRefused: a stranger cannot be added.
    const small = sim.userNameOf('1000000002@chatroom');
    const err = await client.addMembers(small, [sim.userNameOf('1000000001@chatroom')]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ActionRefused);
  });

  it("rooms.largeRoomAdd 'refuse' rejects with RoomNeedsInvite and calls nothing", async () => {
    const { sim, client } = await env.startWithClient({ inviteStartCount: 3 }, { rooms: { largeRoomAdd: 'refuse' } });
    await client.start();
    const room = sim.userNameOf('1000000001@chatroom');
    const err = await client.addMembers(room, [sim.userNameOf('wxid_carol')]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RoomNeedsInvite);
    expect(err).toMatchObject({ code: 'ROOM_NEEDS_INVITE', memberCount: 4, threshold: 3 });
    expect(sim.actions().filter((a) => a.endpoint === 'webwxupdatechatroom')).toHaveLength(0);
  });

  it('Ret 1 is ActionRefused and Ret -14 TicketInvalid, never a bare ServerError', async () => {
    const { sim, client } = await env.startWithClient();
    await client.start();
    // Only the owner removes people: the bot does not own Family.
    const family = sim.userNameOf('1000000002@chatroom');
    const refused = await client.removeMembers(family, [sim.userNameOf('wxid_carol')]).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ActionRefused);
    expect(refused).toMatchObject({ code: 'ACTION_REFUSED', ret: 1 });
    expect(refused).toBeInstanceOf(ServerError);
    expect(isServerVerdict(refused)).toBe(false);
    sim.addFault({ kind: 'ret', ret: -14, endpoint: 'webwxoplog', times: 1 });
    const ticket = await client.setRemark(sim.userNameOf('wxid_bob'), 'B').catch((e: unknown) => e);
    expect(ticket).toBeInstanceOf(TicketInvalid);
    expect(ticket).toMatchObject({ code: 'TICKET_INVALID', ret: -14 });
  });

  it('downloads contact avatars (webwxgeticon) and room avatars (webwxgetheadimg)', async () => {
    const { sim, client } = await env.startWithClient();
    await client.start();
    const person = new PassThrough();
    const bytes: Buffer[] = [];
    person.on('data', (c: Buffer) => bytes.push(c));
    const a = await client.avatar(sim.userNameOf('wxid_alice'), { stream: person });
    expect(a.bytes).toBeGreaterThan(0);
    expect(Buffer.concat(bytes).subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    const dir = mkdtempSync(join(tmpdir(), 'wxbot-avatar-'));
    try {
      const r = await client.avatar(sim.userNameOf('1000000001@chatroom'), { dir }, { fileName: 'room.jpg' });
      expect(r.path).toMatch(/room\.jpg$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(sim.actions().map((x) => x.endpoint)).toEqual(expect.arrayContaining(['webwxgeticon', 'webwxgetheadimg']));
  });

  it('large files are checked with webwxcheckupload first, and the upload carries its signature', async () => {
    const sim = await env.start();
    const client = newClient(sim, env.dir, {}, { ...FAST, checkUploadMinBytes: 1_000 });
    try {
      await client.start();
      const bob = sim.userNameOf('wxid_bob');
      await client.sendFile(bob, Buffer.alloc(600, 1), 'small.txt');
      await client.sendFile(bob, Buffer.alloc(2_000, 2), 'large.bin');
      const eps = sim
        .actions()
        .map((a) => a.endpoint)
        .filter((e) => e === 'webwxcheckupload' || e === 'webwxuploadmedia');
      // The small file goes straight up; the large one is checked first.
      expect(eps).toEqual(['webwxuploadmedia', 'webwxcheckupload', 'webwxuploadmedia']);
      const check = sim.actions().find((a) => a.endpoint === 'webwxcheckupload')!;
      expect(check).toMatchObject({ ret: 0, to: 'wxid_bob', content: 'large.bin' });
      const upload = sim.actions().filter((a) => a.endpoint === 'webwxuploadmedia')[1]!;
      expect(upload.ret).toBe(0);
      expect((upload.body as { Signature?: string }).Signature).toMatch(/^[0-9a-f]{64}$/);
    } finally {
      await client.stop();
    }
  });
});
