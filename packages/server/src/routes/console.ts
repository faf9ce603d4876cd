import { consoleAsset, CONSOLE_HEADERS } from '@wxbot/console';
import type { FastifyInstance } from 'fastify';

import { ApiError } from '../context.js';

/** Paths that are the API's, never the console's (an unknown one there is a 404, not the app's page). */
export function isApiPath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/') || path === '/metrics' || path === '/healthz';
}

/**
 * The web console (@wxbot/console's built files) at every GET outside the API. The page holds no
 * secret, so it is served without the token (security.ts); its API calls send the token themselves.
 */
export function consoleRoutes(app: FastifyInstance): void {
  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    const path = request.url.split('?')[0]!;
    if (isApiPath(path)) throw new ApiError(404, 'not_found', `no route GET ${path}; see /api/openapi.json`);
    const asset = await consoleAsset(path);
    if (asset === undefined) {
      throw new ApiError(
        404,
        'not_found',
        path === '/' || path === '/index.html'
          ? 'the console is not built: run `pnpm --filter @wxbot/console build`'
          : `no console file ${path}`,
      );
    }
    return reply
      .headers({ ...CONSOLE_HEADERS, 'content-type': asset.type, 'cache-control': asset.cacheControl })
      .send(asset.body);
  });
}
