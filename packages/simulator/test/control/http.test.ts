import { createSimulator, type Simulator } from '../../src/index.js';
import { raw } from '../helpers/client.js';

describe('control API guard (a web page cannot drive the simulator)', () => {
  let sim: Simulator;
  beforeEach(async () => {
    sim = await createSimulator({ loginPollHoldMs: 100, synccheckHoldMs: 50 });
  });
  afterEach(async () => {
    await sim.close();
  });

  const json = { 'Content-Type': 'application/json' };
  const person = (wxid: string) => JSON.stringify({ wxid, nickName: wxid });
  const hostOf = () => new URL(sim.controlUrl).host; // 127.0.0.1:<port>
  const portOf = () => new URL(sim.controlUrl).port;

  it('refuses a POST that is not JSON (a cross-origin text/plain or form post) with 415, changing nothing', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const r = await raw(`${sim.controlUrl}/world/person`, {
        body: person('wxid_plain'),
        headers: { 'Content-Type': type },
      });
      expect(r.status).toBe(415);
      expect((JSON.parse(r.text) as { error: string }).error).toMatch(/must send 'Content-Type: application\/json'/);
    }
    const none = await raw(`${sim.controlUrl}/logout`, { method: 'POST' });
    expect(none.status).toBe(415);
    const put = await raw(`${sim.controlUrl}/world`, {
      method: 'PUT',
      body: '{}',
      headers: { 'Content-Type': 'text/plain' },
    });
    expect(put.status).toBe(415);
    expect(sim.world.person('wxid_plain')).toBeUndefined();
  });

  it('accepts JSON posts from a local tool (no Origin), with or without a charset', async () => {
    for (const [wxid, type] of [
      ['wxid_a1', 'application/json'],
      ['wxid_a2', 'application/json; charset=utf-8'],
      ['wxid_a3', 'Application/JSON'],
    ] as const) {
      const r = await raw(`${sim.controlUrl}/world/person`, { body: person(wxid), headers: { 'Content-Type': type } });
      expect(r.status).toBe(200);
      expect(sim.world.person(wxid)).toBeDefined();
    }
    expect((await raw(`${sim.controlUrl}/actions`)).status).toBe(200);
  });

  it('POST /ban takes a reason picking the 1203 text, and refuses an unknown one naming the choices', async () => {
    const ban = (body: unknown) => raw(`${sim.controlUrl}/ban`, { body: JSON.stringify(body), headers: json });
    expect((await ban({ reason: 'real-name', endSession: false })).status).toBe(200);
    expect(sim.world.webLoginForbidden).toBe(true);
    expect(sim.world.webLoginForbiddenMessage).toMatch(/实名认证/);
    const bad = await ban({ reason: 'nope' });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/ban\.reason: expected \\"blocked\\", \\"environment\\" or \\"real-name\\"/);
    expect((await ban({ endSession: false })).status).toBe(200);
    expect(sim.world.webLoginForbiddenMessage).toBeUndefined();
  });

  it('refuses a foreign Host (DNS rebinding) with 403, for reads too', async () => {
    for (const host of ['evil.example', `evil.example:${portOf()}`, `127.0.0.1.evil.example:${portOf()}`]) {
      const get = await raw(`${sim.controlUrl}/session`, { headers: { Host: host } });
      expect(get.status).toBe(403);
      expect((JSON.parse(get.text) as { error: string }).error).toMatch(/^Host .*127\.0\.0\.1 or localhost/);
      const post = await raw(`${sim.controlUrl}/world/person`, {
        body: person('wxid_h'),
        headers: { ...json, Host: host },
      });
      expect(post.status).toBe(403);
    }
    expect(sim.world.person('wxid_h')).toBeUndefined();
    for (const host of [`localhost:${portOf()}`, `LOCALHOST:${portOf()}`, hostOf(), '127.0.0.1'])
      expect((await raw(`${sim.controlUrl}/session`, { headers: { Host: host } })).status).toBe(200);
  });

  it('refuses an Origin other than its own host with 403', async () => {
    for (const origin of [
      'http://evil.example',
      'null',
      `http://localhost:${Number(portOf()) + 1}`,
      `https://${hostOf()}`,
    ]) {
      const r = await raw(`${sim.controlUrl}/world/person`, {
        body: person('wxid_o'),
        headers: { ...json, Origin: origin },
      });
      expect(r.status).toBe(403);
      expect((JSON.parse(r.text) as { error: string }).error).toMatch(/^Origin .*other origins/);
    }
    expect(sim.world.person('wxid_o')).toBeUndefined();
    const same = await raw(`${sim.controlUrl}/world/person`, {
      body: person('wxid_same'),
      headers: { ...json, Origin: `http://${hostOf()}` },
    });
    expect(same.status).toBe(200);
  });
});
