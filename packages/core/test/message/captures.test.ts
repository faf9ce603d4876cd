/**
 * Replays the team's reference captures against their expect.json. The folder
 * lives outside the repo, next to it (`../shared/protocol-captures` from the
 * repository root, or WXBOT_CAPTURES_DIR); nothing from it is copied here.
 * Contributors without it skip the replay; in CI (CI set) a missing folder
 * fails, so the replay can never silently stop running. expect.json uses neutral field names, mapped
 * below onto ours.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isChatMessage, normalizeMessage, RecentMessageCache } from '../../src/message/index.js';
import type { Message, NormalizeResult, PersonRef } from '../../src/message/index.js';
import type { RawContact } from '../../src/wire/types.js';
import { makeDirectory } from './helpers.js';

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
const DIR = process.env['WXBOT_CAPTURES_DIR'] ?? join(REPO, '..', 'shared', 'protocol-captures');
const present = existsSync(join(DIR, 'expect.json'));

if (!present && process.env['CI'] !== undefined && process.env['CI'] !== '' && process.env['CI'] !== 'false') {
  test('the protocol captures are present in CI', () => {
    throw new Error(
      `protocol captures not found: ${join(DIR, 'expect.json')} is missing; check out shared/protocol-captures next to the repository or set WXBOT_CAPTURES_DIR`,
    );
  });
}

interface ExpectEntry {
  file: string;
  select?: string;
  trust: string;
  layer: string;
  context?: {
    self?: string;
    roomRoster?: string;
    contacts?: string;
    clientAddedKeys?: string[];
  };
  expect: Record<string, unknown>;
}

function load(file: string): unknown {
  return JSON.parse(readFileSync(join(DIR, file), 'utf8')) as unknown;
}

/** Removes the keys the official web front end added (`MMDigest`, `RecommendInfo.HeadImgUrl`, ...). */
function stripClientKeys(entry: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const top = new Set(keys.filter((k) => !k.includes('.')));
  const out = Object.fromEntries(Object.entries(entry).filter(([k]) => !top.has(k)));
  for (const key of keys) {
    const [head, tail] = key.split('.', 2);
    if (head === undefined || tail === undefined) continue;
    const inner = out[head];
    if (typeof inner === 'object' && inner !== null) {
      out[head] = Object.fromEntries(Object.entries(inner).filter(([k]) => k !== tail));
    }
  }
  return out;
}

function selectEntry(doc: unknown, select: string | undefined): Record<string, unknown> {
  if (select === undefined) return doc as Record<string, unknown>;
  const m = /^AddMsgList\[(\d+)\]$/.exec(select);
  if (m === null) throw new Error(`unsupported select ${select}`);
  return (doc as { AddMsgList: Record<string, unknown>[] }).AddMsgList[Number(m[1])]!;
}

function personName(p: PersonRef | undefined): string | undefined {
  if (p === undefined) return undefined;
  return p.isSelf ? 'self' : p.name;
}

const SELF_PLACEHOLDER = '@__replay_self_not_given__';

/** Our value for one neutral expect.json field; `skip` for fields outside the normaliser's job. */
function actual(field: string, result: NormalizeResult, selfUserName: string): unknown {
  const m: Message = result.message;
  const notice = m.kind === 'system' ? m.notice : undefined;
  switch (field) {
    case 'kind':
      return m.kind;
    case 'id':
      return m.id;
    case 'room':
      return m.chat.isRoom ? m.chat.userName : null;
    case 'peer':
      return m.chat.userName;
    case 'to':
      return m.to;
    case 'from':
      return m.sender.userName;
    case 'sender':
      return m.sender.userName;
    case 'senderName':
      return m.sender.name ?? null;
    case 'fromSelf':
      return m.isSelf;
    case 'selfChat':
      return m.chat.userName === selfUserName && m.sender.userName === selfUserName;
    case 'text':
      return m.text;
    case 'mentionIds':
      return m.mentions;
    case 'mentionNames':
      return m.mentionNames;
    case 'mentionsSelf':
      return m.mentionsSelf;
    case 'chatMessage':
      return isChatMessage(m);
    case 'event':
      return notice?.type;
    case 'inviter':
      return notice?.type === 'room-join' ? personName(notice.inviter) : undefined;
    case 'invitees':
      return notice?.type === 'room-join' ? notice.invitees.map(personName) : undefined;
    case 'via':
      return notice?.type === 'room-join' ? notice.via : undefined;
    case 'remover':
      return notice?.type === 'room-leave' ? personName(notice.remover) : undefined;
    case 'leavers':
      return notice?.type === 'room-leave' ? notice.leavers.map(personName) : undefined;
    case 'selfLeft':
      return notice?.type === 'room-leave' ? notice.selfLeft : undefined;
    case 'changer':
      return notice?.type === 'room-topic' ? personName(notice.changer) : undefined;
    case 'topic':
      return notice?.type === 'room-topic' ? notice.topic : undefined;
    case 'name':
      return notice?.type === 'friend-added' ? notice.name : undefined;
    case 'contact':
      return notice?.type === 'friend-added' ? m.chat.userName : undefined;
    case 'pairs':
      return m.kind === 'status-notify' ? m.pairs.length : undefined;
    case 'examplePairs':
      return m.kind === 'status-notify' ? m.pairs.map((p) => [p.stableId, p.userName]) : undefined;
    case 'code':
      return m.kind === 'status-notify' ? m.code : undefined;
    case 'durationMs':
      return m.kind === 'voice' ? m.durationMs : undefined;
    case 'playLength':
      return m.kind === 'video' ? m.durationSeconds : undefined;
    case 'imgHeight':
      return m.kind === 'video' || m.kind === 'image' ? m.height : undefined;
    case 'imgWidth':
      return m.kind === 'video' || m.kind === 'image' ? m.width : undefined;
    case 'md5':
      return m.kind === 'emoticon' || m.kind === 'image' || m.kind === 'file' ? m.md5 : undefined;
    case 'cdnUrl':
      return m.kind === 'emoticon' ? m.cdnUrl : undefined;
    case 'len':
    case 'size':
      return m.kind === 'emoticon' || m.kind === 'file' || m.kind === 'image' ? m.sizeBytes : undefined;
    case 'fileName':
      return m.kind === 'file' ? m.fileName : undefined;
    case 'mediaId':
      return m.kind === 'file' ? m.mediaId : undefined;
    case 'ext':
      return m.kind === 'file' ? m.extension : undefined;
    case 'appName':
      return 'appName' in m ? m.appName : undefined;
    case 'appId':
      return 'appId' in m ? m.appId : undefined;
    case 'encryFileName':
      return m.kind === 'file' ? m.encryFileName : undefined;
    case 'userName':
      return m.kind === 'card' ? m.userName : undefined;
    case 'nickName':
      if (m.kind === 'card') return m.nickName;
      return m.kind === 'friend-request' ? m.request.nickName : undefined;
    case 'xmlUserName':
      return m.kind === 'card' ? m.xmlUserName : undefined;
    case 'antispamTicket':
      return m.kind === 'card' ? m.antispamTicket : undefined;
    case 'scene':
      if (m.kind === 'card') return m.scene;
      return m.kind === 'friend-request' ? m.request.scene : undefined;
    case 'label':
      return m.kind === 'location' ? m.label : undefined;
    case 'lat':
      return m.kind === 'location' ? m.latitude : undefined;
    case 'lng':
      return m.kind === 'location' ? m.longitude : undefined;
    case 'poiName':
      return m.kind === 'location' ? m.poiName : undefined;
    case 'url':
      return m.kind === 'location' ? m.url : undefined;
    case 'thumb':
      return m.kind === 'location' ? m.thumbUrl : undefined;
    case 'session':
      return m.kind === 'recall' ? m.session : undefined;
    case 'recalledMsgId':
      return m.kind === 'recall' ? m.recalledId : undefined;
    case 'oldMsgId':
      return m.kind === 'recall' ? m.recalledOldId : undefined;
    case 'replaceText':
      return m.kind === 'recall' ? m.replaceText : undefined;
    case 'operatorName':
      return m.kind === 'recall' ? m.operatorName : undefined;
    case 'contactId':
      return m.kind === 'friend-request' ? m.request.userName : undefined;
    case 'hello':
      return m.kind === 'friend-request' ? m.request.verifyText : undefined;
    case 'ticket':
      return m.kind === 'friend-request' ? m.request.ticket : undefined;
    case 'wxid':
      return m.kind === 'friend-request' ? m.request.stableId : undefined;
    case 'alias':
      return m.kind === 'friend-request' ? m.request.alias : undefined;
    case 'encryptUserName':
      return m.kind === 'friend-request' ? m.request.encryptUserName : undefined;
    case 'sourceRoom':
      return m.kind === 'friend-request' ? m.request.sourceRoom : undefined;
    case 'opcode':
      return m.kind === 'friend-request' ? m.request.opCode : undefined;
    // Outside the normaliser: the runtime builds the accept request; Status/op are wire details.
    case 'accept':
    case 'status':
    case 'op':
      return 'skip';
    default:
      throw new Error(`expect.json field "${field}" has no mapping`);
  }
}

const entries: ExpectEntry[] = present
  ? (load('expect.json') as ExpectEntry[]).filter((e) => e.layer === 'message')
  : [];

(present ? describe : describe.skip)(
  'protocol captures replay (reads ../shared/protocol-captures when present)',
  () => {
    it('has message-layer entries to replay', () => {
      expect(entries.length).toBeGreaterThan(20);
    });

    it.each(entries.map((e) => [`${e.file}${e.select !== undefined ? ` ${e.select}` : ''}`, e] as const))(
      '%s',
      (_label, entry) => {
        const doc = load(entry.file);
        const raw = stripClientKeys(selectEntry(doc, entry.select), entry.context?.clientAddedKeys ?? []);
        const selfUserName = entry.context?.self ?? SELF_PLACEHOLDER;
        const contactDict =
          entry.context?.contacts !== undefined ? (load(entry.context.contacts) as Record<string, RawContact>) : {};
        const contacts = Object.entries(contactDict).map(([userName, c]) => ({ ...c, UserName: userName }));
        const rooms = entry.context?.roomRoster !== undefined ? [load(entry.context.roomRoster) as RawContact] : [];
        const selfRaw = contactDict[selfUserName] ?? { UserName: selfUserName };
        const directory = makeDirectory({ self: { ...selfRaw, UserName: selfUserName }, contacts, rooms });
        const result = normalizeMessage(raw, { directory, recent: new RecentMessageCache(50) });

        const got: Record<string, unknown> = {};
        const want: Record<string, unknown> = {};
        for (const [field, value] of Object.entries(entry.expect)) {
          let ours = actual(field, result, selfUserName);
          if (ours === 'skip') continue;
          if (field === 'examplePairs' && Array.isArray(ours)) {
            // A sample of the pairs: each must be present, in any position.
            const have = new Set(ours.map((p) => JSON.stringify(p)));
            ours = (value as unknown[]).filter((p) => have.has(JSON.stringify(p)));
          }
          got[field] = ours;
          want[field] = value;
        }
        expect(got).toEqual(want);
        expect(result.message.raw).toEqual(raw);

        // Events mirror the system notice for room and friend changes.
        const event = entry.expect.event;
        if (event === 'room-join' || event === 'room-leave' || event === 'room-topic' || event === 'friend-added') {
          expect(result.events.map((e) => e.type)).toEqual([event]);
        }
        if (entry.expect.kind === 'friend-request')
          expect(result.events.map((e) => e.type)).toEqual(['friend-request']);
      },
    );
  },
);
