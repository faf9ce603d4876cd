import { createSimulator, type Simulator } from '@wxbot/simulator';

import { phoneRelay, PhoneInputError } from '../../src/node/phone.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

test('the relay lists friends and rooms by id and name only, without the account itself', async () => {
  sim = await createSimulator({ seed: 1 });
  const world = await phoneRelay(sim.controlUrl).world();
  expect(world.people.map((p) => p.name)).toEqual(expect.arrayContaining(['Alice', 'Bob']));
  const self = sim.world.self;
  expect(world.people.some((p) => p.id === self.wxid)).toBe(false);
  for (const room of world.rooms) expect(room.members.some((m) => m.id === self.wxid)).toBe(false);
  expect(world.rooms.length).toBeGreaterThan(0);
  // The world holds the account's uin; only ids and names may leave.
  expect(JSON.stringify(world)).not.toContain(String(self.uin));
});

test('say is passed on to the simulator, and bad input is refused naming the field', async () => {
  sim = await createSimulator({ seed: 1 });
  const relay = phoneRelay(sim.controlUrl);
  const alice = (await relay.world()).people.find((p) => p.name === 'Alice')!;
  const answer = (await relay.say({ from: alice.id, text: 'hi from the phone' })) as { msgId: string };
  expect(answer.msgId).toMatch(/\d+/);
  await expect(relay.say({ from: alice.id })).rejects.toThrow(PhoneInputError);
  await expect(relay.say({ from: alice.id })).rejects.toThrow('body.text: expected a non-empty string');
  await expect(relay.say({ from: alice.id, text: 'x', room: 3 })).rejects.toThrow('body.room: expected a room id');
  await expect(relay.say({ from: 'wxid_nobody', text: 'x' })).rejects.toThrow(/^simulator: /);
});
