// In a plugin package's entry file: users get type-checked options for ['wxbot-plugin-docs-example', {...}].
export interface DocsExampleOptions {
  /** The city to report. */
  city: string;
}

declare module '@wxbot/core' {
  interface PluginRegistry {
    'wxbot-plugin-docs-example': DocsExampleOptions;
  }
}
