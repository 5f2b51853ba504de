/**
 * Bot Framework authentication: inbound JWTs are validated by botbuilder against the OpenID
 * metadata in `config.teams.openIdMetadata` (issuer, audience = app id, `serviceurl` claim,
 * signing key endorsed for `msteams`); outbound Bot Connector calls carry a client-credentials token
 * that MSAL (`@azure/msal-node`, botbuilder's own token client) gets from `config.teams.loginUrl`.
 *
 * MSAL accepts only https authorities. The simulated Teams of the sandbox serves its login over
 * plain http, so a Teams configuration the sandbox made (`teams.sandbox`, which production
 * configuration never sets together with credentials: it means "no MICROSOFT_APP_ID") gets its
 * connector token from a plain OAuth client-credentials request to the same token endpoint.
 * Every configuration with real credentials takes the MSAL path, and tests run that path too,
 * against the simulator's https login endpoint.
 */
import { ConfidentialClientApplication } from '@azure/msal-node';
import { ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import {
  MsalServiceClientCredentialsFactory,
  ServiceClientCredentialsFactory,
  TokenCredentials,
  type AuthenticateRequestResult,
  type BotFrameworkAuthentication,
} from 'botframework-connector';
import type { AppConfig } from '../../src/config.js';
import type { OutboundPolicy } from '../../src/outbound.js';
import { ClientCredentialTokens } from './tokens.js';

/** The real channel service's token issuer. */
export const BOT_FRAMEWORK_ISSUER = 'https://api.botframework.com';
/** The audience (scope) of tokens the bot sends to the Bot Connector. */
export const BOT_CONNECTOR_SCOPE = 'https://api.botframework.com';

type ServiceClientCredentials = Awaited<ReturnType<ServiceClientCredentialsFactory['createCredentials']>>;

/** Client-secret credentials from a plain OAuth token request: the sandbox's http login only. */
class SandboxCredentialsFactory extends ServiceClientCredentialsFactory {
  private readonly sources = new Map<string, ClientCredentialTokens>();

  constructor(
    private readonly appId: string,
    private readonly password: string,
    private readonly policy: OutboundPolicy,
  ) {
    super();
  }

  async isValidAppId(appId = ''): Promise<boolean> {
    return appId === this.appId;
  }

  async isAuthenticationDisabled(): Promise<boolean> {
    return false;
  }

  async createCredentials(appId: string, audience: string | undefined, loginEndpoint: string): Promise<ServiceClientCredentials> {
    if (appId !== this.appId) throw new Error('Invalid appId.');
    const scope = `${(audience || BOT_CONNECTOR_SCOPE).replace(/\/\.default$/, '')}/.default`;
    const tokenUrl = `${loginEndpoint.replace(/\/+$/, '')}/oauth2/v2.0/token`;
    const key = `${tokenUrl} ${scope}`;
    let source = this.sources.get(key);
    if (!source) {
      source = new ClientCredentialTokens(this.policy, { tokenUrl, clientId: appId, clientSecret: this.password, scope });
      this.sources.set(key, source);
    }
    const tokens = source;
    return {
      signRequest: async (webResource) => new TokenCredentials(await tokens.get()).signRequest(webResource),
    };
  }
}

/** The login URL botbuilder gets tokens from: the Bot Framework tenant, or the app's own one. */
export function channelLoginUrl(teams: AppConfig['teams']): string {
  const tenant = teams.appType === 'SingleTenant' && teams.tenantId ? teams.tenantId : 'botframework.com';
  return `${teams.loginUrl.replace(/\/+$/, '')}/${tenant}`;
}

/**
 * The MSAL confidential client botbuilder gets connector tokens with. The login host is a known
 * authority, so MSAL reads the authority's own OpenID metadata instead of asking Microsoft's
 * instance discovery about it (which only knows Microsoft's public clouds).
 */
function msalCredentials(teams: AppConfig['teams'], appId: string, password: string): ServiceClientCredentialsFactory {
  const authority = channelLoginUrl(teams);
  const client = new ConfidentialClientApplication({
    auth: { clientId: appId, clientSecret: password, authority, knownAuthorities: [new URL(authority).host] },
  });
  // botframework-connector types MSAL through its CommonJS build; the ESM class is the same API.
  return new MsalServiceClientCredentialsFactory(appId, client as unknown as ConstructorParameters<typeof MsalServiceClientCredentialsFactory>[1]);
}

/** Builds botbuilder's authentication for this configuration (real JWT validation, never disabled). */
export function createBotAuthentication(teams: AppConfig['teams'], policy: OutboundPolicy): BotFrameworkAuthentication {
  if (!teams.appId || !teams.appPassword) {
    throw new Error('Teams needs MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD (or the simulator sandbox settings)');
  }
  const loginUrl = channelLoginUrl(teams);
  const credentials = teams.sandbox
    ? new SandboxCredentialsFactory(teams.appId, teams.appPassword, policy)
    : msalCredentials(teams, teams.appId, teams.appPassword);
  return new ConfigurationBotFrameworkAuthentication(
    {
      MicrosoftAppId: teams.appId,
      MicrosoftAppPassword: teams.appPassword,
      MicrosoftAppType: teams.appType,
      MicrosoftAppTenantId: teams.tenantId ?? '',
      ToBotFromChannelOpenIdMetadataUrl: teams.openIdMetadata,
      ToBotFromChannelTokenIssuer: BOT_FRAMEWORK_ISSUER,
      ToBotFromEmulatorOpenIdMetadataUrl: teams.openIdMetadata,
      ToChannelFromBotLoginUrl: loginUrl,
      ToChannelFromBotOAuthScope: BOT_CONNECTOR_SCOPE,
      OAuthUrl: 'https://api.botframework.com',
      CallerId: 'urn:botframework:azure',
    },
    credentials,
  );
}

/**
 * Validates an inbound request's `Authorization` header for `activity`; throws on anything not
 * signed by the channel service for this bot (bad signature, wrong audience, expired, missing).
 */
export async function verifyInbound(
  auth: BotFrameworkAuthentication,
  activity: Parameters<BotFrameworkAuthentication['authenticateRequest']>[0],
  authorization: string | undefined,
): Promise<AuthenticateRequestResult> {
  return auth.authenticateRequest(activity, authorization ?? '');
}
