import { connect } from 'node:net';

import { createSimulator, type Simulator } from '../src/index.js';
import { CGI, loginAndInit, raw } from './helpers/client.js';

/** Sends raw bytes and resolves with what came back before the socket closed (or after `waitMs`). */
function rawExchange(url: string, bytes: string, waitMs = 1_000): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const sock = connect(Number(port), hostname);
    let got = '';
    const done = (): void => {
      sock.destroy();
      resolve(got);
    };
    const timer = setTimeout(done, waitMs);
    sock.on('data', (d) => {
      got += d.toString();
    });
    sock.on('close', () => {
      clearTimeout(timer);
      resolve(got);
    });
    sock.on('error', () => undefined);
    sock.write(bytes);
  });
}

describe('malformed requests', () => {
  let sim: Simulator;
  afterEach(async () => {
    await sim.close();
  });

  it('odd request targets get an answer and never end the process', async () => {
    sim = await createSimulator({ autoConfirm: true, loginPollHoldMs: 100, synccheckHoldMs: 50 });
    for (const target of ['//', '///', '//a b/', '//x/cgi-bin/mmwebwx-bin/webwxinit']) {
      const answer = await rawExchange(
        sim.url,
        `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`,
      );
      expect(answer).toMatch(/^HTTP\/1\.1 (400|404) /);
    }
    // Still serving.
    const c = await loginAndInit(sim.url);
    expect((await c.init()).BaseResponse.Ret).toBe(0);
  });

  it('an upload whose client goes away mid-body ends, and is recorded as refused', async () => {
    sim = await createSimulator({ autoConfirm: true, loginPollHoldMs: 100, synccheckHoldMs: 50 });
    const boundary = 'xyz';
    const head =
      `POST ${CGI}webwxuploadmedia?f=json HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
      `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: 100000\r\n\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="filename"; filename="a.bin"\r\n\r\npartial`;
    await rawExchange(sim.url, head, 200); // closes the socket with 99,9xx bytes never sent
    const recorded = await sim.waitForAction((a) => a.endpoint === 'webwxuploadmedia', { timeoutMs: 3_000 });
    expect(recorded.ret).toBe(1);
  });

  it('refuses chunk numbers that are not whole, in range numbers', async () => {
    sim = await createSimulator({ autoConfirm: true, loginPollHoldMs: 100, synccheckHoldMs: 50 });
    const c = await loginAndInit(sim.url);
    for (const [chunk, chunks] of [
      ['0', '1.5'],
      ['2', '2'],
      ['-1', '3'],
    ] as const) {
      const form = new FormData();
      form.append('chunk', chunk);
      form.append('chunks', chunks);
      form.append(
        'uploadmediarequest',
        JSON.stringify({ BaseRequest: c.baseRequest(), ClientMediaId: '1', TotalLen: 3 }),
      );
      form.append('filename', new Blob([Buffer.from('abc')]), 'a.txt');
      const res = await fetch(`${sim.url}${CGI}webwxuploadmedia?f=json`, { method: 'POST', body: form });
      expect(res.status).toBe(200);
      expect((JSON.parse(await res.text()) as { BaseResponse: { Ret: number } }).BaseResponse.Ret).toBe(1);
    }
  });

  it('the control API refuses bad world data whole: nothing half-stored to fail later requests', async () => {
    sim = await createSimulator({ autoConfirm: true, loginPollHoldMs: 100, synccheckHoldMs: 50 });
    const ctl = (method: string, path: string, body: unknown) =>
      raw(`${sim.controlUrl}${path}`, {
        method,
        body: JSON.stringify(body),
        headers: { 'Content-Type': 'application/json' },
      }).then((r) => ({
        status: r.status,
        error: (JSON.parse(r.text) as { error?: string }).error,
      }));
    const people = sim.world.people.size;
    const rooms = sim.world.rooms.size;
    const world = await ctl('PUT', '/world', { self: { wxid: 'wxid_me', uin: 1, nickName: 'Me' }, specialAccounts: 5 });
    expect(world).toEqual({
      status: 400,
      error: expect.stringContaining('specialAccounts: expected an array of ids') as unknown,
    });
    expect([sim.world.people.size, sim.world.rooms.size]).toEqual([people, rooms]);
    expect(await ctl('POST', '/world/person', { wxid: 'wxid_zed', nickName: 'Zed', signature: 5 })).toEqual({
      status: 400,
      error: 'world/person.signature: expected a string',
    });
    expect(await ctl('POST', '/world/room', { id: '9@chatroom', topic: 'T', members: [5] })).toEqual({
      status: 400,
      error: 'world/room.members[0]: expected a wxid string or { wxid, displayName? }',
    });
    expect(await ctl('POST', '/friend-request', { from: { wxid: 'wxid_q', nickName: 'Q', city: 7 } })).toEqual({
      status: 400,
      error: 'friend-request.from.city: expected a string',
    });
    expect((await ctl('POST', '/world/generate', { friends: 1e8 })).status).toBe(400);
    // Everything still serves.
    const c = await loginAndInit(sim.url);
    expect((await c.init()).BaseResponse.Ret).toBe(0);
    expect(sim.world.person('wxid_zed')).toBeUndefined();
  });
});
