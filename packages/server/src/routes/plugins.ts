import { redactText, SwitchRefused, type Bot } from '@wxbot/core';
import type { FastifyInstance } from 'fastify';

import { ApiError, hubOf, type ServerContext } from '../context.js';
import { accountParams, actionSchema, errors, pluginSchema } from '../schemas.js';
import { actionView, idOf } from '../views.js';
import { findChat } from './chats.js';
import { contactsOf } from '../account-access.js';

function checkPlugin(bot: Bot, plugin: string, field: string): void {
  const names = bot.plugins().map((p) => p.name);
  if (!names.includes(plugin)) {
    throw new ApiError(
      404,
      'no_plugin',
      `no plugin ${JSON.stringify(plugin)}; plugins: ${names.map((n) => JSON.stringify(n)).join(', ') || '(none)'}`,
      field,
    );
  }
}

export function pluginRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get<{ Params: { account: string } }>(
    '/api/accounts/:account/plugins',
    {
      schema: {
        operationId: 'listPlugins',
        summary: 'Plugins in pipeline order, their state and the chats they are switched off in',
        tags: ['plugins'],
        params: accountParams,
        response: {
          200: { type: 'object', properties: { items: { type: 'array', items: pluginSchema } } },
          ...errors(404),
        },
      },
    },
    (request) => {
      const bot = hubOf(ctx, request.params.account).bot;
      const off = bot.chatSwitches.list();
      return {
        // No `options`: the host does not keep them, and they may hold a plugin's API keys.
        items: bot.pluginDetails().map((p) => ({
          name: p.name,
          state: p.state,
          offIn: off.filter((s) => s.plugin === p.name).map((s) => s.chat),
          ...(p.error === undefined ? {} : { error: redactText(p.error) }),
          ...(p.optionsSchema === undefined ? {} : { optionsSchema: p.optionsSchema }),
        })),
      };
    },
  );

  app.post<{ Params: { account: string }; Body: { plugin: string; chat: string; enabled: boolean } }>(
    '/api/accounts/:account/plugins/switch',
    {
      schema: {
        operationId: 'switchPlugin',
        summary: 'Switch a plugin on or off in one chat (kept across restarts)',
        tags: ['plugins'],
        params: accountParams,
        body: {
          type: 'object',
          required: ['plugin', 'chat', 'enabled'],
          additionalProperties: false,
          properties: {
            plugin: { type: 'string', minLength: 1, description: 'Plugin name, e.g. @wxbot/plugin-autoreply' },
            chat: { type: 'string', minLength: 1, description: 'Stable id or name of the chat' },
            enabled: { type: 'boolean' },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['plugin', 'chat', 'enabled'],
            properties: { plugin: { type: 'string' }, chat: { type: 'string' }, enabled: { type: 'boolean' } },
          },
          ...errors(404, 409),
        },
      },
    },
    async (request) => {
      const hub = hubOf(ctx, request.params.account);
      const { plugin, chat, enabled } = request.body;
      checkPlugin(hub.bot, plugin, 'body.plugin');
      const contact = findChat(hub, chat);
      if (contact.stableId === undefined)
        throw new ApiError(
          409,
          'no_stable_id',
          `chat ${JSON.stringify(chat)} has no stable id, so a switch would not survive a re-login`,
          'body.chat',
        );
      try {
        await hub.bot.chatSwitches.set(plugin, contact.stableId, enabled);
      } catch (error) {
        // A switch core refuses (the owner commands, off in a chat) is the caller's to fix, not a 500.
        if (error instanceof SwitchRefused) throw new ApiError(409, 'switch_refused', error.message, 'body.plugin');
        throw error;
      }
      return { plugin, chat: idOf(contact), enabled };
    },
  );

  app.put<{ Params: { account: string; plugin: string }; Body: { options: unknown } }>(
    '/api/accounts/:account/plugins/:plugin/options',
    {
      schema: {
        operationId: 'setPluginOptions',
        summary: "Change a plugin's options live: not supported yet (501); edit bot.config.ts and restart",
        tags: ['plugins'],
        params: {
          type: 'object',
          required: ['account', 'plugin'],
          properties: { account: { type: 'string' }, plugin: { type: 'string' } },
        },
        body: {
          type: 'object',
          required: ['options'],
          additionalProperties: false,
          properties: { options: { description: 'The new options, as the JSON Schema in the plugin list says' } },
        },
        response: { ...errors(404, 501) },
      },
    },
    (request) => {
      const bot = hubOf(ctx, request.params.account).bot;
      checkPlugin(bot, request.params.plugin, 'params.plugin');
      // Answering 200 would tell the page its change is live when the running plugin still has the old options.
      throw new ApiError(
        501,
        'not_supported',
        `plugin options cannot be changed while the bot runs (the plugin host has no live reconfiguration yet): ` +
          `edit the options of ${JSON.stringify(request.params.plugin)} in bot.config.ts and restart the bot`,
        'params.plugin',
      );
    },
  );

  app.get<{ Params: { account: string }; Querystring: { since?: number; limit?: number; plugin?: string } }>(
    '/api/accounts/:account/actions',
    {
      schema: {
        operationId: 'listActions',
        summary: 'The action log: what plugins (and the API, webhooks) asked the bot to do, newest last',
        tags: ['actions'],
        params: accountParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            since: { type: 'integer', minimum: 0, description: 'Only records after this seq' },
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
            plugin: { type: 'string', description: "Only this plugin's records" },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: { items: { type: 'array', items: actionSchema }, lastSeq: { type: 'integer' } },
          },
          ...errors(404),
        },
      },
    },
    (request) => {
      const bot = hubOf(ctx, request.params.account).bot;
      const { since, limit, plugin } = request.query;
      const records = (since === undefined ? bot.actions.all() : bot.actions.since(since)).filter(
        (r) => plugin === undefined || r.plugin === plugin,
      );
      const contacts = contactsOf(bot);
      return {
        items: records.slice(Math.max(0, records.length - (limit ?? 100))).map((r) => actionView(r, contacts)),
        lastSeq: bot.actions.lastSeq,
      };
    },
  );
}
