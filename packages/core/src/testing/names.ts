import type { PersonSpec, RoomSpec, WorldSpec } from '@wxbot/simulator';

/** Finds a person of the world by wxid, nick name or remark name (case-insensitive). */
export function findPerson(world: WorldSpec, who: string): PersonSpec | undefined {
  const people = [...(world.friends ?? []), ...(world.strangers ?? []), ...(world.officialAccounts ?? [])];
  const lower = who.toLowerCase();
  return (
    people.find((p) => p.wxid === who) ??
    people.find((p) => p.nickName === who || p.remarkName === who) ??
    people.find((p) => p.nickName.toLowerCase() === lower || p.remarkName?.toLowerCase() === lower)
  );
}

/** Finds a room of the world by id or topic (case-insensitive). */
export function findRoom(world: WorldSpec, which: string): RoomSpec | undefined {
  const rooms = world.rooms ?? [];
  const lower = which.toLowerCase();
  return (
    rooms.find((r) => r.id === which) ??
    rooms.find((r) => r.topic === which) ??
    rooms.find((r) => r.topic.toLowerCase() === lower)
  );
}

export function personId(world: WorldSpec, who: string): string {
  if (who === world.self.wxid) return who;
  const person = findPerson(world, who);
  if (person === undefined) {
    const known = [...(world.friends ?? []), ...(world.strangers ?? [])].map((p) => p.nickName).join(', ');
    throw new Error(`test bot: nobody called "${who}" in the world (known: ${known})`);
  }
  return person.wxid;
}

export function roomId(world: WorldSpec, which: string): string {
  const room = findRoom(world, which);
  if (room === undefined) {
    throw new Error(
      `test bot: no room "${which}" in the world (known: ${(world.rooms ?? []).map((r) => r.topic).join(', ')})`,
    );
  }
  return room.id;
}

/** A readable name for a stable id. */
export function nameOf(world: WorldSpec, id: string | undefined): string {
  if (id === undefined) return '(unknown)';
  if (id === world.self.wxid) return world.self.nickName;
  const room = findRoom(world, id);
  if (room !== undefined) return room.topic;
  return findPerson(world, id)?.nickName ?? id;
}

/** `who`'s wxid, or a made-up one for someone not in the world (a stranger writing to the bot). */
export function personIdOrNew(world: WorldSpec, who: string): string {
  try {
    return personId(world, who);
  } catch {
    return `wxid_${who.toLowerCase().replace(/[^a-z0-9]/g, '') || 'someone'}`;
  }
}
