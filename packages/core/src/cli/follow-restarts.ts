import type { Logger } from 'pino';

import type { AccountSupervisor } from '../bot/accounts.js';
import type { ControlPlane } from '../bot/control-plane.js';
import { errorMessage } from '../util/error-message.js';

/**
 * Keeps the control plane on each account's current bot: a restart builds a new bot (announced by the
 * supervisor as `starting`, once the old one stopped), and without this the API, events, metrics and webhooks
 * would go on serving the dead one. Also catches up at once on restarts made before the control plane was up.
 * Returns the unsubscribe.
 */
export function followRestarts(
  supervisor: Pick<AccountSupervisor, 'bot' | 'onChange'>,
  control: Pick<ControlPlane, 'replaceBot'>,
  names: readonly string[],
  logger: Logger,
): () => void {
  const follow = (name: string): void => {
    const bot = supervisor.bot(name);
    if (bot === undefined) return;
    try {
      control.replaceBot(bot);
    } catch (error) {
      // An account the control plane was not started with (its first bot could not be built): nothing to serve.
      logger.warn({ account: name }, `the control plane does not follow account ${name}: ${errorMessage(error)}`);
    }
  };
  for (const name of names) follow(name);
  return supervisor.onChange((s) => {
    if (s.state === 'starting') follow(s.name);
  });
}
