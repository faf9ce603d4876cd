/** What `--simulator` loads; an optional peer dependency of @wxbot/core, so types only here. */
export type SimulatorModule = typeof import('@wxbot/simulator');

/** The one line `wxbot start --simulator` prints when the simulator is not installed. */
export const SIMULATOR_MISSING = '--simulator needs @wxbot/simulator: npm install -D @wxbot/simulator';

/** The simulator package itself is not installed (not: one of its own dependencies is missing). */
export class SimulatorMissingError extends Error {
  override name = 'SimulatorMissingError';
  constructor() {
    super(SIMULATOR_MISSING);
  }
}

function isMissingPackage(error: unknown, name: string): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  // Node: "Cannot find package '@wxbot/simulator' imported from ..."; a missing dependency of the
  // simulator names that dependency instead and must surface as it is.
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && error.message.includes(`'${name}'`);
}

/**
 * Imports @wxbot/simulator only when `--simulator` asks for it: production installs of
 * @wxbot/core do not carry it (see peerDependenciesMeta in package.json).
 */
export async function loadSimulator(
  load: () => Promise<SimulatorModule> = () => import('@wxbot/simulator'),
): Promise<SimulatorModule> {
  try {
    return await load();
  } catch (error) {
    if (isMissingPackage(error, '@wxbot/simulator')) throw new SimulatorMissingError();
    throw error;
  }
}
