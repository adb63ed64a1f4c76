import { gitRoutes } from './git-routes';
import { releaseRoutes } from './release-routes';
import type { Route } from './route-kit';

/** The REST endpoints the server implements, keyed by GitHub's own path templates. */
export const apiRoutes: Route[] = [...gitRoutes, ...releaseRoutes];

/** Parameters whose value may contain `/` (they are the last segment of their template). */
export const GREEDY_PARAMS = new Set(['ref', 'path']);
