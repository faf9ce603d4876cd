import {
  CapabilityMissing,
  createActions,
  hasCapability,
  resolveTarget,
  TargetError,
  type Contact,
  type OutgoingContent,
  type TransportContacts,
} from '@wxbot/core';
import type { FastifyInstance } from 'fastify';

import { ApiError, hubOf, type ServerContext } from '../context.js';
import type { AccountHub } from '../hub.js';
import { accountParams, chatParams, contactSchema, errors, messageSchema, sentSchema } from '../schemas.js';
import { contactView, idOf, nameOf } from '../views.js';
import { actionBackend, contactsOf } from '../account-access.js';
import { capabilityMissing, requireCapability } from '../capability-error.js';

/** Attribution of what the API sends, in the action log. */
export const API_PLUGIN = 'api';

interface ChatRequest {
  Params: { account: string; chat: string };
}

function loggedIn(hub: AccountHub): TransportContacts {
  const contacts = contactsOf(hub.bot);
  if (contacts === undefined)
    throw new ApiError(
      409,
      'not_logged_in',
      `account ${hub.id} is not logged in yet (see GET /api/accounts/${hub.id}/qr)`,
    );
  return contacts;
}

/** A chat by stable id, name or session UserName; the error says which it could not find or could not choose. */
export function findChat(hub: AccountHub, chat: string): Contact {
  const contacts = loggedIn(hub);
  try {
    const found = resolveTarget(contacts, chat, 'chat');
    if (typeof found !== 'string') return contacts.contact(found.userName) ?? found;
  } catch (error) {
    if (!(error instanceof TargetError)) throw error;
    // An `alias:` id a client saw before the wxid pairs arrived (they re-key the contact) still names it.
    const alias = chat.startsWith('alias:') ? chat.slice('alias:'.length) : undefined;
    const byAlias = alias === undefined ? [] : [...(contacts.all?.() ?? [])].filter((c) => c.alias === alias);
    if (byAlias.length === 1) return byAlias[0]!;
    throw new ApiError(404, 'no_chat', error.message, 'params.chat');
  }
  throw new ApiError(404, 'no_chat', `chat ${JSON.stringify(chat)} is not in the contact list`, 'params.chat');
}

function matches(contact: Contact, q: string | undefined): boolean {
  if (q === undefined || q === '') return true;
  const needle = q.toLowerCase();
  return [nameOf(contact), contact.nickName, contact.remarkName, contact.alias, contact.stableId ?? ''].some((s) =>
    s.toLowerCase().includes(needle),
  );
}

const listQuery = {
  type: 'object',
  properties: {
    q: { type: 'string', description: 'Part of a name, remark, alias or id (case-insensitive)' },
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
    offset: { type: 'integer', minimum: 0, default: 0 },
  },
  additionalProperties: false,
} as const;

const listResponse = {
  type: 'object',
  required: ['items', 'total'],
  properties: {
    items: { type: 'array', items: contactSchema },
    total: { type: 'integer' },
    complete: {
      type: 'boolean',
      description: 'False when the transport has no contact list (iLink): only the chats seen in messages are listed',
    },
    note: { type: 'string', description: 'Why the list is incomplete, when it is' },
  },
} as const;

/** What an account without a contact list answers with: the chats it has seen, said to be only those. */
function seenOnly(hub: AccountHub): { all: Contact[]; note: string } {
  return {
    all: hub.seenChats(),
    note:
      `account ${hub.id} runs on the ${hub.bot.transport.name} transport, which has no contact list: ` +
      'listed are the users who wrote to the bot since it started; any other user is reached by the id they write from',
  };
}

export function chatRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const list =
    (rooms: boolean) =>
    (request: { params: { account: string }; query: { q?: string; limit?: number; offset?: number } }) => {
      const hub = hubOf(ctx, request.params.account);
      if (rooms) requireCapability(hub.bot, 'rooms', 'listing rooms');
      const contacts = loggedIn(hub);
      const listed =
        hasCapability(hub.bot.transport.capabilities, 'contacts') && contacts.all !== undefined
          ? { all: [...contacts.all()], note: undefined }
          : seenOnly(hub);
      const all = listed.all.filter((c) => (rooms ? c.kind === 'room' : c.kind !== 'room'));
      const found = all.filter((c) => matches(c, request.query.q)).sort((a, b) => nameOf(a).localeCompare(nameOf(b)));
      const offset = request.query.offset ?? 0;
      return {
        items: found.slice(offset, offset + (request.query.limit ?? 100)).map(contactView),
        total: found.length,
        complete: listed.note === undefined,
        ...(listed.note === undefined ? {} : { note: listed.note }),
      };
    };

  app.get<{ Params: { account: string }; Querystring: { q?: string; limit?: number; offset?: number } }>(
    '/api/accounts/:account/contacts',
    {
      schema: {
        operationId: 'listContacts',
        summary: 'Contacts (not rooms), searched by name',
        tags: ['chats'],
        params: accountParams,
        querystring: listQuery,
        response: { 200: listResponse, ...errors(404, 409) },
      },
    },
    list(false),
  );

  app.get<{ Params: { account: string }; Querystring: { q?: string; limit?: number; offset?: number } }>(
    '/api/accounts/:account/rooms',
    {
      schema: {
        operationId: 'listRooms',
        summary: 'Rooms, searched by topic',
        tags: ['chats'],
        params: accountParams,
        querystring: listQuery,
        response: { 200: listResponse, ...errors(404, 409, 501) },
      },
    },
    list(true),
  );

  app.get<ChatRequest>(
    '/api/accounts/:account/chats/:chat',
    {
      schema: {
        operationId: 'getChat',
        summary: 'One contact or room by stable id or name',
        tags: ['chats'],
        params: chatParams,
        response: { 200: contactSchema, ...errors(404, 409) },
      },
    },
    (request) => contactView(findChat(hubOf(ctx, request.params.account), request.params.chat)),
  );

  app.get<ChatRequest & { Querystring: { limit?: number } }>(
    '/api/accounts/:account/chats/:chat/messages',
    {
      schema: {
        operationId: 'listMessages',
        summary: 'Recent messages of a chat, oldest first (a bounded ring per chat: api.recentPerChat)',
        tags: ['chats'],
        params: chatParams,
        querystring: {
          type: 'object',
          properties: { limit: { type: 'integer', minimum: 1, maximum: 1000, default: 50 } },
          additionalProperties: false,
        },
        response: {
          200: { type: 'object', properties: { items: { type: 'array', items: messageSchema } } },
          ...errors(404, 409),
        },
      },
    },
    (request) => {
      const hub = hubOf(ctx, request.params.account);
      const chat = findChat(hub, request.params.chat);
      return { items: hub.recent(idOf(chat), request.query.limit ?? 50) };
    },
  );

  const send = async (hub: AccountHub, chat: Contact, content: OutgoingContent) => {
    const actions = createActions(actionBackend(hub.bot), hub.bot.actions, { plugin: API_PLUGIN, cause: undefined });
    try {
      const sent = await actions.send(chat, content);
      return { msgId: sent.msgId, chat: { id: idOf(chat), name: nameOf(chat) } };
    } catch (error) {
      if (error instanceof CapabilityMissing)
        throw capabilityMissing(hub.bot, error.capability, `sending ${error.action ?? 'that'} to ${nameOf(chat)}`);
      const message = error instanceof Error ? error.message : String(error);
      throw new ApiError(502, 'send_failed', `sending to ${nameOf(chat)} failed: ${message}`);
    }
  };
  const checkMedia = (hub: AccountHub, kind: 'image' | 'file' | 'video'): void => {
    requireCapability(hub.bot, `media.${kind}`, `sending a ${kind}`);
  };

  app.post<ChatRequest & { Body: { text?: string; path?: string; kind?: 'image' | 'file' | 'video'; name?: string } }>(
    '/api/accounts/:account/chats/:chat/messages',
    {
      schema: {
        operationId: 'sendMessage',
        summary: 'Send text, or a file on this machine (image, video or attachment), to a chat',
        description:
          'Exactly one of `text` or `path`. Resolves when WeChat has accepted the message (sends are paced and ' +
          'retried by the bot; a refused send fails with 502).',
        tags: ['chats'],
        params: chatParams,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            text: { type: 'string', minLength: 1, maxLength: 20000 },
            path: { type: 'string', minLength: 1, description: "Absolute path of a file on the bot's machine" },
            kind: { type: 'string', enum: ['image', 'file', 'video'], default: 'file' },
            name: { type: 'string', minLength: 1, description: 'File name shown in the chat' },
          },
        },
        response: { 200: sentSchema, ...errors(404, 409, 501, 502) },
      },
    },
    async (request) => {
      const { text, path, kind, name } = request.body;
      if ((text === undefined) === (path === undefined))
        throw new ApiError(
          400,
          'invalid_request',
          'give exactly one of "text" or "path"',
          text === undefined ? 'body.text' : 'body.path',
        );
      const hub = hubOf(ctx, request.params.account);
      if (text === undefined) checkMedia(hub, kind ?? 'file');
      const chat = findChat(hub, request.params.chat);
      if (text !== undefined) return send(hub, chat, text);
      const named = name === undefined ? {} : { name };
      const content: OutgoingContent =
        kind === 'image'
          ? { image: path!, ...named }
          : kind === 'video'
            ? { video: path!, ...named }
            : { file: path!, ...named };
      return send(hub, chat, content);
    },
  );

  app.post<ChatRequest & { Querystring: { kind?: 'image' | 'file' | 'video'; name: string }; Body: Buffer }>(
    '/api/accounts/:account/chats/:chat/media',
    {
      schema: {
        operationId: 'uploadMedia',
        summary: 'Upload a file (the request body, application/octet-stream) and send it to a chat',
        tags: ['chats'],
        params: chatParams,
        consumes: 'application/octet-stream',
        querystring: {
          type: 'object',
          required: ['name'],
          additionalProperties: false,
          properties: {
            kind: { type: 'string', enum: ['image', 'file', 'video'], default: 'file' },
            name: { type: 'string', minLength: 1, description: 'File name shown in the chat' },
          },
        },
        response: { 200: sentSchema, ...errors(404, 409, 413, 501, 502) },
      },
    },
    async (request) => {
      const body = request.body;
      if (!Buffer.isBuffer(body) || body.length === 0)
        throw new ApiError(
          400,
          'invalid_request',
          'the body must be the file, sent as application/octet-stream',
          'body',
        );
      const hub = hubOf(ctx, request.params.account);
      const { kind, name } = request.query;
      checkMedia(hub, kind ?? 'file');
      const chat = findChat(hub, request.params.chat);
      const content: OutgoingContent =
        kind === 'image' ? { image: body, name } : kind === 'video' ? { video: body, name } : { file: body, name };
      return send(hub, chat, content);
    },
  );
}
