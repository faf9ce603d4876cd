import type { RouteOptions } from 'fastify';

type Schema = Record<string, unknown>;

// The fields a route's schema carries for the OpenAPI document (as @fastify/swagger adds them).
declare module 'fastify' {
  interface FastifySchema {
    operationId?: string;
    summary?: string;
    description?: string;
    tags?: readonly string[];
    /** Left out of the document. */
    hide?: boolean;
    /** Media type of a non-JSON success answer (image/png, text/event-stream). */
    produces?: string;
    /** Media type of a non-JSON request body. */
    consumes?: string;
    /** Needs no token. */
    public?: boolean;
  }
}

/** fastify's `/a/:b` to OpenAPI's `/a/{b}`. */
function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function parameters(schema: Schema | undefined, where: 'path' | 'query'): Schema[] {
  const properties = (schema?.properties ?? {}) as Record<string, Schema>;
  const required = new Set((schema?.required ?? []) as string[]);
  return Object.entries(properties).map(([name, s]) => {
    const { description, ...rest } = s;
    return {
      name,
      in: where,
      required: where === 'path' || required.has(name),
      ...(description === undefined ? {} : { description }),
      schema: rest,
    };
  });
}

const STATUS_TEXT: Record<string, string> = {
  '200': 'OK',
  '202': 'Accepted',
  '400': 'Invalid request (the error names the field)',
  '401': 'Missing or wrong token',
  '403': 'Origin not allowed',
  '404': 'No such account, chat or plugin',
  '409': 'Not possible in the current state',
  '421': 'Host header not this server (DNS rebinding)',
  '502': 'WeChat refused or failed the action',
};

/** Route options plus the fields the API adds to a route's schema for the document. */
export interface DocumentedRoute {
  readonly method: string;
  readonly url: string;
  readonly schema: Schema;
}

export function collectRoute(route: RouteOptions, into: DocumentedRoute[]): void {
  const schema = route.schema as Schema | undefined;
  if (schema === undefined || schema.hide === true) return;
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  for (const method of methods) {
    if (method === 'HEAD') continue;
    into.push({ method: method.toLowerCase(), url: route.url, schema });
  }
}

/** Replaces every copy of a named schema with a `$ref` to it, so the document states each once. */
function withRefs(value: unknown, named: ReadonlyMap<string, string>, top = true): unknown {
  if (Array.isArray(value)) return value.map((v) => withRefs(v, named, false));
  if (value === null || typeof value !== 'object') return value;
  const name = top ? undefined : named.get(JSON.stringify(value));
  if (name !== undefined) return { $ref: `#/components/schemas/${name}` };
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withRefs(v, named, false)]));
}

/** The OpenAPI 3.1 document of the routes, in a stable order (the committed file is compared to it). */
export function openApiDocument(
  routes: readonly DocumentedRoute[],
  version: string,
  components: Record<string, Schema> = {},
): Schema {
  const paths: Record<string, Record<string, Schema>> = {};
  const sorted = [...routes].sort((a, b) =>
    a.url === b.url ? a.method.localeCompare(b.method) : a.url.localeCompare(b.url),
  );
  for (const { method, url, schema } of sorted) {
    const responses: Record<string, Schema> = {};
    for (const [code, s] of Object.entries((schema.response ?? {}) as Record<string, Schema>)) {
      const produces = (schema.produces ?? 'application/json') as string;
      const content =
        code.startsWith('2') && produces !== 'application/json'
          ? { [produces]: { schema: { type: 'string', format: 'binary' } } }
          : { 'application/json': { schema: s } };
      responses[code] = { description: STATUS_TEXT[code] ?? 'Response', content };
    }
    const body = schema.body as Schema | undefined;
    const consumes = schema.consumes as string | undefined;
    const operation: Schema = {
      operationId: schema.operationId,
      summary: schema.summary,
      ...(schema.description === undefined ? {} : { description: schema.description }),
      tags: schema.tags,
      ...(schema.public === true ? { security: [] } : {}),
      parameters: [
        ...parameters(schema.params as Schema | undefined, 'path'),
        ...parameters(schema.querystring as Schema | undefined, 'query'),
      ],
      ...(body !== undefined
        ? { requestBody: { required: true, content: { 'application/json': { schema: body } } } }
        : consumes !== undefined
          ? {
              requestBody: {
                required: true,
                content: { [consumes]: { schema: { type: 'string', format: 'binary' } } },
              },
            }
          : {}),
      responses,
    };
    (paths[openApiPath(url)] ??= {})[method] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'wxbot control API',
      version,
      description:
        'Drive a running wxbot: accounts, QR login, contacts and rooms, sending, recent messages, the action log, ' +
        'plugins and their per-chat switches, and a server-sent event stream. Every path but /healthz needs ' +
        '"Authorization: Bearer <token>" (the token is in <dataDir>/api-token unless api.token sets it).',
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: components,
    },
    security: [{ bearer: [] }],
    paths: withRefs(paths, new Map(Object.entries(components).map(([name, schema]) => [JSON.stringify(schema), name]))),
  };
}
