// The JSON Schema of a plugin's options, for forms (the web console) and docs. Read through the
// Standard JSON Schema interface (`~standard.jsonSchema`, which zod 4.2+ implements), so core needs no
// schema library of its own; a schema library without it gives undefined, and the console says so.

/** The part of the Standard JSON Schema interface read here. */
interface JsonSchemaSource {
  readonly '~standard'?: {
    readonly jsonSchema?: {
      input(options: { target: string; libraryOptions?: Record<string, unknown> }): Record<string, unknown>;
    };
  };
}

/**
 * The JSON Schema (draft 2020-12) of what a plugin's options accept, or undefined when the plugin has
 * none or its schema library cannot say. What JSON cannot express (functions, class instances) is
 * left open (`{}`) instead of failing the whole schema: a form shows such a field as not editable.
 */
export function pluginOptionsJsonSchema(plugin: { readonly options: unknown }): Record<string, unknown> | undefined {
  const source = plugin.options as JsonSchemaSource | undefined;
  const jsonSchema = source?.['~standard']?.jsonSchema;
  if (jsonSchema === undefined || typeof jsonSchema.input !== 'function') return undefined;
  try {
    return jsonSchema.input({ target: 'draft-2020-12', libraryOptions: { unrepresentable: 'any' } });
  } catch {
    // A library that refuses this schema even so: no form, rather than a crash of the page's route.
    return undefined;
  }
}
