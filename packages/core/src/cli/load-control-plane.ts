import type { ControlPlaneModule } from '../bot/control-plane.js';

/** The package `wxbot start` serves its API, webhooks and metrics from. */
export const CONTROL_PLANE_PACKAGE = '@wxbot/server';

/**
 * Imports @wxbot/server when it is installed; undefined when it is not. Imported by a name held in a
 * variable: @wxbot/server depends on core, so core must not depend on it (no build reference, no
 * import cycle); the shape it must have is core's `ControlPlaneModule`, checked here.
 */
export async function loadControlPlane(
  load: () => Promise<unknown> = () => import(/* webpackIgnore: true */ CONTROL_PLANE_PACKAGE) as Promise<unknown>,
): Promise<ControlPlaneModule | undefined> {
  let mod: unknown;
  try {
    mod = await load();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const missing =
      (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
      error instanceof Error &&
      error.message.includes(`'${CONTROL_PLANE_PACKAGE}'`);
    if (missing) return undefined;
    throw error;
  }
  if (typeof (mod as Partial<ControlPlaneModule> | null)?.startControlPlane !== 'function')
    throw new Error(
      `${CONTROL_PLANE_PACKAGE} does not export startControlPlane(): install a version matching @wxbot/core`,
    );
  return mod as ControlPlaneModule;
}
