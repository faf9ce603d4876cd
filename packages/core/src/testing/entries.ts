import { entrySettings, validateOptions } from '../config/resolve.js';
import type { ConfigIssue } from '../config/errors.js';
import { isPlugin, type Plugin } from '../plugin/define.js';
import type { LoadedPlugin } from '../plugin/host.js';
import type { PluginEntrySettings } from '../plugin/permissions.js';

/** One plugin of `createTestBot({ plugins })`: a plugin, `[plugin, options]` or `[plugin, options, { permissions }]`. */
export type TestPluginEntry =
  | Plugin<any, any> // eslint-disable-line @typescript-eslint/no-explicit-any
  | readonly [Plugin<any, any>, unknown] // eslint-disable-line @typescript-eslint/no-explicit-any
  | readonly [Plugin<any, any>, unknown, PluginEntrySettings]; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Checks the entries as bot.config.ts entries are checked: options, then permission narrowing. */
export async function loadTestEntries(
  entries: readonly TestPluginEntry[],
): Promise<{ plugins: LoadedPlugin[]; issues: ConfigIssue[] }> {
  const plugins: LoadedPlugin[] = [];
  const issues: ConfigIssue[] = [];
  for (const [index, entry] of entries.entries()) {
    const [plugin, opts, settings] = isPlugin(entry)
      ? [entry, undefined, undefined]
      : (entry as readonly [unknown, unknown, unknown?]);
    if (!isPlugin(plugin)) {
      issues.push({ path: `plugins[${index}]`, message: 'expected a plugin made with definePlugin()' });
      continue;
    }
    const validated = await validateOptions(plugin, opts, `plugins[${index}] (${plugin.name})`);
    const narrowing = entrySettings(plugin, settings, `plugins[${index}][2]`);
    if ('issues' in validated) issues.push(...validated.issues);
    if ('issues' in narrowing) issues.push(...narrowing.issues);
    else if (!('issues' in validated)) {
      const { permissions } = narrowing;
      plugins.push({ plugin, options: validated.value, ...(permissions === undefined ? {} : { permissions }) });
    }
  }
  return { plugins, issues };
}
