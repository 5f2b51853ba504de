/**
 * Bot Framework authentication: inbound JWTs are validated by botbuilder against the OpenID
 * metadata in `config.teams.openIdMetadata` (issuer, audience = app id, `serviceurl` claim,
 * signing key endorsed for `msteams`); outbound Bot Connector calls carry a client-credentials token
 * from `config.teams.loginUrl`.
 *
 * MSAL (botbuilder's token client) accepts only https authorities, so when the login URL is not
 * Microsoft's (the local simulator) the connector token comes from a plain OAuth client-credentials
 * request to the same token endpoint instead. Inbound validation is the real botbuilder path always.
 */
import { ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import {
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
const MICROSOFT_LOGIN = /^https:\/\/login\.microsoftonline\.(com|us)(\/|$)/i;

type ServiceClientCredentials = Awaited<ReturnType<ServiceClientCredentialsFactory['createCredentials']>>;

/** Client-secret credentials for any token endpoint (no MSAL authority validation). */
class ClientSecretCredentialsFactory extends ServiceClientCredentialsFactory {
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

/** Builds botbuilder's authentication for this configuration (real JWT validation, never disabled). */
export function createBotAuthentication(teams: AppConfig['teams'], policy: OutboundPolicy): BotFrameworkAuthentication {
  if (!teams.appId || !teams.appPassword) {
    throw new Error('Teams needs MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD (or the simulator sandbox settings)');
  }
  const loginUrl = channelLoginUrl(teams);
  const factory = MICROSOFT_LOGIN.test(loginUrl) ? undefined : new ClientSecretCredentialsFactory(teams.appId, teams.appPassword, policy);
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
      ValidateAuthority: MICROSOFT_LOGIN.test(loginUrl),
    },
    factory,
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
