import { createRequire } from 'node:module';

import type SerializerSelector from '@fastify/fast-json-stringify-compiler';
import type { Ajv, ValidateFunction } from 'ajv';
import type { FastifySchemaCompiler, FastifySchemaValidationError, FastifyServerOptions } from 'fastify';

/**
 * Route schemas compiled on a route's first use, not at `listen()`.
 *
 * Compiling every route's request validators (ajv) and response serializers (fast-json-stringify) up
 * front cost about 200 ms of CPU on each `wxbot start` (issue 20, cold start), for routes most runs never
 * call. The compilers here are the same ones with the same options; each route part gets a small function
 * that compiles its schema on the first call and keeps the result.
 */

// ajv and fast-json-stringify (both CommonJS) are required on the first compile, not imported with the
// server: loading them is ~50 ms of CPU at start. fastify loads neither itself once given both factories.
const require = createRequire(import.meta.url);
const loadAjv = (): typeof Ajv => (require('ajv') as { Ajv: typeof Ajv }).Ajv;
const loadSerializerSelector = (): typeof SerializerSelector =>
  require('@fastify/fast-json-stringify-compiler') as typeof SerializerSelector;

/** One schema compiled: what the `onCompile` hook is told (tests count them; nothing else needs it). */
export interface SchemaCompile {
  readonly kind: 'validator' | 'serializer';
  readonly method: string;
  readonly url: string;
  /** `body`, `querystring`, `params`, `headers` for a validator; the status code for a serializer. */
  readonly part: string;
}

export interface SchemaCompileOptions {
  /** Called as each schema is compiled. */
  readonly onCompile?: ((compile: SchemaCompile) => void) | undefined;
  /** Compile at route registration, as fastify does by default (a test checks every route's schemas compile). */
  readonly eager?: boolean | undefined;
}

/** A validator fastify calls as it calls ajv's: with the parent context, and `errors` read after a `false`. */
type LazyValidator = ReturnType<FastifySchemaCompiler<unknown>> & ((data: unknown, cxt?: DataValidationCxt) => boolean);
/** ajv's second argument (its `DataValidationCxt`, not exported from the package root). */
type DataValidationCxt = Parameters<ValidateFunction>[1];

/**
 * The request validator compiler: JSON bodies are taken as typed (`{"text": 1}` is an error naming
 * body.text, not the string "1"); query strings and path parameters are text, so those are coerced to
 * the schema's types. The two ajv instances are made on the first compile (each costs a few ms).
 */
export function lazyValidatorCompiler(options: SchemaCompileOptions = {}): FastifySchemaCompiler<unknown> {
  let strict: Ajv | undefined;
  let loose: Ajv | undefined;
  const ajvFor = (httpPart: string | undefined): Ajv =>
    httpPart === 'body'
      ? (strict ??= new (loadAjv())({ coerceTypes: false, useDefaults: true, removeAdditional: false, strict: false }))
      : (loose ??= new (loadAjv())({
          coerceTypes: 'array',
          useDefaults: true,
          removeAdditional: false,
          strict: false,
        }));
  return ({ schema, httpPart, method, url }) => {
    let validate: ValidateFunction | undefined;
    const compile = (): ValidateFunction => {
      options.onCompile?.({ kind: 'validator', method, url, part: httpPart ?? 'body' });
      return ajvFor(httpPart).compile(schema as Record<string, unknown>);
    };
    if (options.eager === true) validate = compile();
    const lazy = ((data: unknown, cxt?: DataValidationCxt): boolean => {
      validate ??= compile();
      const ok = validate(data, cxt);
      // fastify reads the verdict from the function it was given, as ajv leaves it on its own.
      lazy.errors = (validate.errors ?? null) as FastifySchemaValidationError[] | null;
      return ok;
    }) as LazyValidator;
    // fastify passes `{ parentData, parentDataProperty }` only to a function with `schemaEnv` (ajv's mark):
    // ajv needs them to coerce or default the root value itself, as the eagerly compiled validator did.
    Object.assign(lazy, { schemaEnv: true });
    return lazy;
  };
}

type SerializerFactory = ReturnType<typeof SerializerSelector>;

/** fastify's default response serializer factory (fast-json-stringify, fastify's options), compiling lazily. */
export function lazySerializerFactory(options: SchemaCompileOptions = {}): SerializerFactory {
  return (externalSchemas, serializerOptions) => {
    let compileRoute: ReturnType<SerializerFactory> | undefined;
    return (route) => {
      let serialize: ((doc: unknown) => string) | undefined;
      const compile = (): ((doc: unknown) => string) => {
        options.onCompile?.({ kind: 'serializer', method: route.method, url: route.url, part: route.httpStatus });
        compileRoute ??= loadSerializerSelector()()(externalSchemas, serializerOptions);
        return compileRoute(route);
      };
      if (options.eager === true) serialize = compile();
      return (doc: unknown) => (serialize ??= compile())(doc);
    };
  };
}

type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;

/**
 * Both factories for `Fastify({ schemaController: { compilersFactory } })`. Given both, fastify does not
 * load its own ajv compiler. The validator factory is typed by fastify as ajv's (a `ValidateFunction`);
 * fastify calls whatever a validator compiler returns the same way (as `setValidatorCompiler` accepts).
 */
export function lazyCompilersFactory(options: SchemaCompileOptions = {}): CompilersFactory {
  const validatorCompiler = lazyValidatorCompiler(options);
  return {
    buildValidator: (() => validatorCompiler) as unknown as NonNullable<CompilersFactory['buildValidator']>,
    buildSerializer: lazySerializerFactory(options),
  };
}
