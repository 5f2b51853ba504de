/** The admin page: sign-in through a platform, people and sync state, and admin commands from the browser. */
import type { Router } from 'express';
import type { Core } from '../core/core.js';
import type { Feature, FeatureWiring } from '../core/feature.js';
import type { OAuthReturnHandler } from '../people/sync-routes.js';
import { adminRoutes, type DemoAdminSignIn } from './admin-routes.js';

/** The admin feature; `oauthReturn` takes the admin sign-in's OAuth returns once its routes are mounted. */
export interface AdminFeature extends Feature {
  oauthReturn: OAuthReturnHandler;
}

/** Builds the admin feature; `demoSignIn` exists only in the sandbox. */
export function adminFeature(core: Core, options: { demoSignIn?: DemoAdminSignIn } = {}): AdminFeature {
  let oauthReturn: OAuthReturnHandler = async () => false;
  return {
    name: 'admin',
    oauthReturn: (platform, req, res) => oauthReturn(platform, req, res),
    routes({ commands }: FeatureWiring): Router {
      const admin = adminRoutes(core, commands, { demoSignIn: options.demoSignIn });
      oauthReturn = admin.oauthReturn;
      return admin.router;
    },
  };
}
