import { CONTROL_PLANE_ENTRY, CONTROL_PLANE_PACKAGE, loadControlPlane } from '../../src/cli/load-control-plane.js';

// Node's errors for a package that is not installed, and for a file missing inside an installed one.
function notFound(what: string, code = 'ERR_MODULE_NOT_FOUND'): Error {
  return Object.assign(
    new Error(`Cannot find package '${what}' imported from /app/node_modules/@wxbot/core/dist/x.js`),
    {
      code,
    },
  );
}

const startControlPlane = () => Promise.reject(new Error('not called'));

test('imports the server through its control-plane entry (not the routes, fastify or webhooks)', async () => {
  const asked: string[] = [];
  const mod = await loadControlPlane((specifier) => {
    asked.push(specifier);
    return Promise.resolve({ startControlPlane });
  });
  expect(asked).toEqual(['@wxbot/server/control-plane']);
  expect(CONTROL_PLANE_ENTRY).toBe(`${CONTROL_PLANE_PACKAGE}/control-plane`);
  expect(mod?.startControlPlane).toBe(startControlPlane);
});

test('the real entry is the one the package exports, with startControlPlane', async () => {
  const mod = await loadControlPlane();
  expect(typeof mod?.startControlPlane).toBe('function');
});

test('a server without that entry is loaded whole, as before', async () => {
  const asked: string[] = [];
  const mod = await loadControlPlane((specifier) => {
    asked.push(specifier);
    return specifier === CONTROL_PLANE_ENTRY
      ? Promise.reject(
          Object.assign(new Error(`Package subpath './control-plane' is not defined by "exports"`), {
            code: 'ERR_PACKAGE_PATH_NOT_EXPORTED',
          }),
        )
      : Promise.resolve({ startControlPlane });
  });
  expect(asked).toEqual([CONTROL_PLANE_ENTRY, CONTROL_PLANE_PACKAGE]);
  expect(mod?.startControlPlane).toBe(startControlPlane);
});

test('not installed: undefined (the start goes on without the API)', async () => {
  expect(await loadControlPlane(() => Promise.reject(notFound('@wxbot/server')))).toBeUndefined();
});

test('a file or dependency missing inside the server surfaces as itself, naming it', async () => {
  const inside = Object.assign(
    new Error(`Cannot find module '/app/node_modules/@wxbot/server/dist/control-plane.js' imported from /app/x.js`),
    { code: 'ERR_MODULE_NOT_FOUND' },
  );
  await expect(loadControlPlane(() => Promise.reject(inside))).rejects.toBe(inside);
  const dependency = notFound('prom-client');
  await expect(loadControlPlane(() => Promise.reject(dependency))).rejects.toBe(dependency);
});

test('a module without startControlPlane: says to install a matching version', async () => {
  await expect(loadControlPlane(() => Promise.resolve({}))).rejects.toThrow(
    '@wxbot/server does not export startControlPlane(): install a version matching @wxbot/core',
  );
});
