/**
 * What the sandbox adds to the service: the `/sandbox` page over the running simulators, and the
 * admin page's "Sign in as the demo admin", which points a simulator's sign-in page at the demo
 * admin and then runs the ordinary OAuth sign-in.
 */
import type { Platform } from '../../src/chat-adapter.js';
import { DEMO_ADMIN_EMAIL, type Sandbox, type Simulators } from '../index.js';
import type { ExtraRoutes } from '../../src/service.js';
import type { Core } from '../../src/core/core.js';
import type { DemoAdminSignIn } from '../../src/admin/admin-routes.js';
import { sandboxRoutes } from './sandbox-routes.js';

/** Makes the demo admin the one who signs in on the first simulator that has them. */
export function demoAdminSignIn(sims: Simulators, email = DEMO_ADMIN_EMAIL): DemoAdminSignIn {
  return (): Platform | undefined => {
    const slackTeam = sims.slack ? [...sims.slack.state.workspaces.values()][0] : undefined;
    const slackUser = slackTeam && [...slackTeam.users.values()].find((u) => u.email === email);
    if (sims.slack && slackTeam && slackUser) {
      sims.slack.signInAs(slackTeam.id, slackUser.id);
      return 'slack';
    }
    const teamsUser = sims.teams?.findUser(email);
    if (sims.teams && teamsUser) {
      sims.teams.authorizingUser = teamsUser.user.id;
      return 'teams';
    }
    const webexPerson = sims.webex?.personByEmail(email);
    if (sims.webex && webexPerson) {
      sims.webex.authorizingPersonId = webexPerson.id;
      return 'webex';
    }
    for (const account of sims.zoom?.accounts.values() ?? []) {
      const user = account.users.find((u) => u.email === email);
      if (sims.zoom && user) {
        sims.zoom.authorizingUser = { accountId: account.accountId, userId: user.id };
        return 'zoom';
      }
    }
    return undefined;
  };
}

/** The service options that add the sandbox page and the demo admin sign-in. */
export function sandboxWeb(sandbox: Sandbox): { extraRouters: Array<(core: Core) => ExtraRoutes>; demoAdminSignIn?: DemoAdminSignIn } {
  const sims = sandbox.simulators;
  if (Object.keys(sims).length === 0) return { extraRouters: [] };
  return { extraRouters: [(core) => sandboxRoutes(core, sims, () => sandbox.touch?.())], demoAdminSignIn: demoAdminSignIn(sims) };
}
