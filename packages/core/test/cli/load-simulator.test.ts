import { loadSimulator, SIMULATOR_MISSING, SimulatorMissingError } from '../../src/cli/load-simulator.js';

// Node's error for a bare specifier that is not installed.
function notFound(name: string): Error {
  return Object.assign(
    new Error(`Cannot find package '${name}' imported from /app/node_modules/@wxbot/core/dist/x.js`),
    {
      code: 'ERR_MODULE_NOT_FOUND',
    },
  );
}

test('without @wxbot/simulator installed, --simulator fails with one line saying how to install it', async () => {
  const error = await loadSimulator(() => Promise.reject(notFound('@wxbot/simulator'))).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(SimulatorMissingError);
  expect((error as Error).message).toBe('--simulator needs @wxbot/simulator: npm install -D @wxbot/simulator');
  expect(SIMULATOR_MISSING).not.toContain('\n');
});

test('a missing dependency of the simulator is reported as itself, not as a missing simulator', async () => {
  const cause = notFound('busboy');
  await expect(loadSimulator(() => Promise.reject(cause))).rejects.toBe(cause);
});

test('installed, the simulator module is returned', async () => {
  const sim = await loadSimulator();
  expect(typeof sim.createSimulator).toBe('function');
});
