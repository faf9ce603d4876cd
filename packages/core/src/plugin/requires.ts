import { CapabilityMissing, hasCapability, isCapabilityName } from '../transport/capabilities.js';
import type { Transport } from '../transport/types.js';
import { errorMessage } from '../util/error-message.js';
import type { Plugin } from './define.js';

/** A plugin with its validated options, as the host loads it. */
interface Requiring {
  readonly plugin: Pick<Plugin<unknown, unknown>, 'name' | 'requires'>;
  readonly options: unknown;
}

/**
 * Refuses what cannot run: throws `CapabilityMissing` naming the first plugin (in config order) that
 * requires a capability `transport` lacks, the capability, the transport and how to fix it.
 */
export function checkRequirements(
  plugins: readonly Requiring[],
  transport: Pick<Transport, 'name' | 'capabilities'>,
): void {
  for (const { plugin, options } of plugins) {
    let required: readonly unknown[];
    try {
      // A plugin made by an older @wxbot/core (see PLUGIN_MARK) has no requires: it requires nothing.
      required = typeof plugin.requires === 'function' ? plugin.requires(options) : [];
    } catch (error) {
      throw new TypeError(`plugin "${plugin.name}": its requires() threw: ${errorMessage(error)}`, { cause: error });
    }
    for (const capability of required) {
      // definePlugin checks static lists; a requires() function is only checked here.
      if (!isCapabilityName(capability)) {
        throw new TypeError(
          `plugin "${plugin.name}" requires ${JSON.stringify(capability)}, which is not a capability; see CAPABILITY_NAMES`,
        );
      }
      if (!hasCapability(transport.capabilities, capability)) {
        throw new CapabilityMissing({ capability, transport: transport.name, plugin: plugin.name });
      }
    }
  }
}
