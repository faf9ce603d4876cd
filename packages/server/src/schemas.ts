// JSON Schemas of the API: fastify validates requests and serialises responses with them (a field not
// declared here never leaves the server), and the OpenAPI document is generated from them.

export const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        field: { type: 'string', description: 'The request field that is wrong, e.g. body.text' },
        capability: {
          type: 'string',
          description: "With code capability_missing (501): what the account's transport cannot do, e.g. rooms",
        },
      },
    },
  },
} as const;

export const accountParams = {
  type: 'object',
  required: ['account'],
  properties: { account: { type: 'string', description: "Account id (the config's account.name)" } },
} as const;

export const chatParams = {
  type: 'object',
  required: ['account', 'chat'],
  properties: {
    account: { type: 'string' },
    chat: { type: 'string', description: 'Stable id (wxid_..., ...@chatroom) or display name of the chat' },
  },
} as const;

export const contactSchema = {
  type: 'object',
  required: ['id', 'stable', 'kind', 'name'],
  properties: {
    id: { type: 'string' },
    stable: { type: 'boolean', description: 'false: id is a session UserName that changes at each login' },
    kind: { type: 'string', enum: ['friend', 'room', 'official', 'special', 'self', 'stranger'] },
    name: { type: 'string' },
    nickName: { type: 'string' },
    remarkName: { type: 'string' },
    memberCount: { type: 'integer' },
  },
} as const;

export const accountSchema = {
  type: 'object',
  required: ['id', 'state', 'qr', 'plugins'],
  properties: {
    id: { type: 'string' },
    transport: { type: 'string', description: 'The protocol the account runs on: web or ilink' },
    state: { type: 'string', description: 'Client lifecycle state (idle, logging-in, syncing, recovering, ...)' },
    self: {
      type: 'object',
      properties: { id: { type: 'string' }, name: { type: 'string' } },
    },
    qr: { type: 'string', enum: ['none', 'waiting', 'scanned', 'logged-in'] },
    plugins: { type: 'integer', description: 'Plugins running (state active)' },
    capabilities: {
      type: 'array',
      items: { type: 'string' },
      description:
        "What the account's transport can do (rooms, contacts, media.image, ...); endpoints needing another answer 501",
    },
  },
} as const;

export const messageSchema = {
  type: 'object',
  required: ['id', 'kind', 'chat', 'sender', 'text', 'createdAt', 'sentByBot'],
  properties: {
    id: { type: 'string' },
    kind: { type: 'string' },
    chat: {
      type: 'object',
      properties: { id: { type: 'string' }, name: { type: 'string' }, isRoom: { type: 'boolean' } },
    },
    sender: {
      type: 'object',
      properties: { id: { type: 'string' }, name: { type: 'string' }, isSelf: { type: 'boolean' } },
    },
    text: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
    sentByBot: { type: 'boolean' },
    mentionsSelf: { type: 'boolean' },
  },
} as const;

export const actionSchema = {
  type: 'object',
  required: ['seq', 'at', 'action', 'plugin', 'chat', 'status'],
  properties: {
    seq: { type: 'integer' },
    at: { type: 'string', format: 'date-time' },
    action: { type: 'string' },
    plugin: { type: ['string', 'null'], description: '"api" / "webhook" for the control plane; null: the bot' },
    cause: { type: ['string', 'null'] },
    chat: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' } } },
    content: {
      type: 'object',
      properties: { type: { type: 'string' }, text: { type: 'string' }, name: { type: 'string' } },
    },
    status: { type: 'string', enum: ['pending', 'done', 'failed'] },
    error: { type: 'string' },
  },
} as const;

export const sentSchema = {
  type: 'object',
  required: ['msgId', 'chat'],
  properties: {
    msgId: { type: 'string', description: 'Server id of the sent message' },
    chat: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' } } },
  },
} as const;

export const pluginSchema = {
  type: 'object',
  required: ['name', 'state', 'offIn'],
  properties: {
    name: { type: 'string' },
    state: { type: 'string', enum: ['starting', 'active', 'failed', 'disabled', 'stopped'] },
    offIn: { type: 'array', items: { type: 'string' }, description: 'Chats (stable ids) it is switched off in' },
    error: { type: 'string', description: 'Its last failure (secrets masked), when it has failed' },
    optionsSchema: {
      type: 'object',
      additionalProperties: true,
      description: "JSON Schema (2020-12) of its options, when its schema library can say (the console's form)",
    },
  },
} as const;

export const logLineSchema = {
  type: 'object',
  required: ['at', 'level', 'msg'],
  properties: {
    at: { type: 'string', format: 'date-time' },
    level: { type: 'string', enum: ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] },
    msg: { type: 'string', description: 'The message, secrets masked' },
  },
} as const;

/** Standard error answers every route may give. */
export function errors(...codes: number[]): Record<number, typeof errorSchema> {
  return Object.fromEntries([400, 401, 403, 421, ...codes].map((c) => [c, errorSchema]));
}
