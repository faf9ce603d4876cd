import { readFileSync } from 'node:fs';
import type { ContactDirectory } from '../../src/contact/types.js';
import type { RawContact, RawMessage } from '../../src/wire/types.js';
import { makeDirectory } from './helpers.js';

interface World {
  self: RawContact;
  stableIds: Record<string, string>;
  contacts: RawContact[];
  rooms: RawContact[];
}

function readJson(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as unknown;
}

export const world = readJson('world.json') as World;
const messages = readJson('messages.json') as Record<string, RawMessage>;

export function fixture(name: string): RawMessage {
  const entry = messages[name];
  if (entry === undefined) throw new Error(`no fixture named ${name}`);
  return entry;
}

export function fixtureNames(): string[] {
  return Object.keys(messages);
}

export function worldDirectory(): ContactDirectory {
  return makeDirectory(world);
}

export const SELF = world.self.UserName;
export const ROOM = world.rooms[0]!.UserName;
export const [ALICE, BOB, ANN, ANN_LEE, KITTY, ALI2] = world.rooms[0]!.MemberList!.slice(1).map((m) => m.UserName);
export const CAROL = world.contacts[0]!.UserName;
