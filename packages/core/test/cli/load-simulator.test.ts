import {
  loadSimulator,
  loadWebSimulator,
  SIMULATOR_MISSING,
  SimulatorMissingError,
} from '../../src/cli/load-simulator.js';

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

describe('the Web WeChat half (`wxbot start --simulator` on a Web account)', () => {
  test('imports @wxbot/simulator/web, which has no iLink simulator', async () => {
    const asked: string[] = [];
    const sim = await loadWebSimulator((specifier) => {
      asked.push(specifier);
      return import('@wxbot/simulator/web');
    });
    expect(asked).toEqual(['@wxbot/simulator/web']);
    expect(typeof sim.createSimulator).toBe('function');
    expect('IlinkSimulator' in sim).toBe(false);
  });

  test('a simulator without that entry is loaded whole', async () => {
    const asked: string[] = [];
    const whole = await import('@wxbot/simulator');
    const sim = await loadWebSimulator((specifier) => {
      asked.push(specifier);
      if (specifier === '@wxbot/simulator/web')
        return Promise.reject(
          Object.assign(new Error(`Package subpath './web' is not defined by "exports"`), {
            code: 'ERR_PACKAGE_PATH_NOT_EXPORTED',
          }),
        );
      return Promise.resolve(whole);
    });
    expect(asked).toEqual(['@wxbot/simulator/web', '@wxbot/simulator']);
    expect(sim).toBe(whole);
  });

  test('not installed: the same one line; a file missing inside it: that error as it is', async () => {
    await expect(loadWebSimulator(() => Promise.reject(notFound('@wxbot/simulator')))).rejects.toBeInstanceOf(
      SimulatorMissingError,
    );
    const inside = Object.assign(
      new Error(`Cannot find module '/app/node_modules/@wxbot/simulator/dist/web.js' imported from /app/x.js`),
      { code: 'ERR_MODULE_NOT_FOUND' },
    );
    await expect(loadWebSimulator(() => Promise.reject(inside))).rejects.toBe(inside);
  });
});
