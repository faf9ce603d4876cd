/**
 * The simulator as `wxbot start --simulator` starts it (its world and options, in this process), loaded
 * on demand as the CLI loads it: shared by the cold-start children that stand beside the CLI.
 */
export async function startCliSimulator(): Promise<{ url: string; loginUrl: string }> {
  const { createSimulator, defaultWorld } = await import('@wxbot/simulator');
  return createSimulator({
    world: defaultWorld(),
    autoConfirm: true,
    loginPollHoldMs: 500,
    synccheckHoldMs: 10_000,
  });
}
