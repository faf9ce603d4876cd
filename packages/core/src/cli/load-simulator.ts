/** What `--simulator` loads; an optional peer dependency of @wxbot/core, so types only here. */
export type SimulatorModule = typeof import('@wxbot/simulator');
/** The Web WeChat simulator alone (`@wxbot/simulator/web`): what a start on a Web account needs. */
export type WebSimulatorModule = typeof import('@wxbot/simulator/web');

/** The one line `wxbot start --simulator` prints when the simulator is not installed. */
export const SIMULATOR_MISSING = '--simulator needs @wxbot/simulator: npm install -D @wxbot/simulator';

const PACKAGE = '@wxbot/simulator';
const WEB_ENTRY = `${PACKAGE}/web`;

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

async function load<T>(imports: () => Promise<T>): Promise<T> {
  try {
    return await imports();
  } catch (error) {
    if (isMissingPackage(error, PACKAGE)) throw new SimulatorMissingError();
    throw error;
  }
}

/**
 * Imports @wxbot/simulator only when `--simulator` asks for it: production installs of
 * @wxbot/core do not carry it (see peerDependenciesMeta in package.json).
 */
export async function loadSimulator(
  imports: () => Promise<SimulatorModule> = () => import('@wxbot/simulator'),
): Promise<SimulatorModule> {
  return load(imports);
}

/**
 * The Web WeChat half of the simulator only (not its iLink server): `wxbot start --simulator` on a Web
 * account (cold start, issue 20). A simulator from before that entry (ERR_PACKAGE_PATH_NOT_EXPORTED) is
 * loaded whole, as before.
 */
export async function loadWebSimulator(
  imports: (specifier: string) => Promise<WebSimulatorModule> = (specifier) =>
    import(/* webpackIgnore: true */ specifier) as Promise<WebSimulatorModule>,
): Promise<WebSimulatorModule> {
  return load(async () => {
    try {
      return await imports(WEB_ENTRY);
    } catch (error) {
      if ((error as { code?: unknown } | null)?.code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED') throw error;
      return imports(PACKAGE);
    }
  });
}
