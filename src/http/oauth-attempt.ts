/**
 * The sensitive half of every personal OAuth round trip (the Sync now flow and the admin
 * sign-in): a fresh `state` and PKCE verifier, only the state's hash and the sealed verifier kept,
 * and the code exchanged with that verifier at the same redirect URI.
 */
import * as oauth from 'oauth4webapi';
import type { Platform, UserGrant } from '../chat-adapter.js';
import { adapterFor, type Core } from '../core/core.js';
import { sha256 } from '../crypto.js';

/** The OAuth return address for a platform. */
export function callbackUrl(core: Core, platform: Platform): string {
  return `${core.publicUrl}/oauth/${platform}/callback`;
}

/** A started authorization: what to store, and where to send the browser. */
export interface OAuthAttempt {
  platform: Platform;
  authorizeUrl: string;
  state: string;
  codeChallenge: string;
  /** Store these; never the state or verifier themselves. */
  stateHash: string;
  sealedVerifier: string;
}

/** Starts an authorization-code flow with PKCE (S256) on `platform`. */
export async function beginAuthorization(core: Core, platform: Platform): Promise<OAuthAttempt> {
  const state = oauth.generateRandomState();
  const verifier = oauth.generateRandomCodeVerifier();
  const codeChallenge = await oauth.calculatePKCECodeChallenge(verifier);
  const authorizeUrl = adapterFor(core, platform).authorizeUrl({ state, redirectUri: callbackUrl(core, platform), codeChallenge });
  return { platform, authorizeUrl, state, codeChallenge, stateHash: sha256(state), sealedVerifier: core.cipher.encrypt(verifier) };
}

/** Exchanges a returned code with the attempt's verifier. */
export function exchangeAuthorization(core: Core, platform: Platform, code: string, sealedVerifier: string): Promise<UserGrant> {
  return adapterFor(core, platform).exchangeCode({
    code,
    redirectUri: callbackUrl(core, platform),
    codeVerifier: core.cipher.decrypt(sealedVerifier),
  });
}
