/**
 * Which scope or permission each platform API that Crosstalk calls requires, from the platforms'
 * own references (linked per row). A test scans the adapters for every API they call and fails when
 * one is missing here, or when a required scope is not declared in `source.ts` for the credential
 * that makes the call.
 */
import { SLACK, TEAMS, WEBEX, ZOOM, type Platform } from './source.js';

/**
 * The token a call is made with:
 * - Slack: `bot` (workspace install) or `user` (a person's user-sync token);
 * - Teams: `application` (app-only Graph token) or `delegated` (a person's Graph token);
 * - Webex: `bot` (fixed bot scopes), `user` (integration token) or `admin` (`WEBEX_ADMIN_TOKEN`);
 * - Zoom: `chatbot` (client credentials), `user` (user OAuth) or `s2s` (Server-to-Server OAuth app).
 * `none` means the call needs no scope (token introspection, the OAuth exchange itself).
 */
export type Credential = 'bot' | 'user' | 'application' | 'delegated' | 'admin' | 'chatbot' | 's2s' | 'none';

/** One API and what it needs. */
export interface ApiRequirement {
  /**
   * How the code names the call: the Slack Web API method, the Webex operation label, the Graph
   * call's label (`METHOD label`), `METHOD /path` for Zoom (path parameters as `{}`), or an event name.
   */
  api: string;
  uses: Credential[];
  /** Every one of these must be declared for each credential in `uses`. */
  requires: string[];
  /** The reference that says so. */
  ref: string;
}

/** Scopes `source.ts` declares for each credential of each platform (what the app asks for). */
export const DECLARED: Record<Platform, Partial<Record<Credential, readonly string[]>>> = {
  slack: { bot: SLACK.botScopes, user: SLACK.userScopes, none: [] },
  teams: { application: TEAMS.graphApplicationPermissions, delegated: TEAMS.graphDelegatedScopes, none: [] },
  // A bot's scopes are fixed by Webex and cannot be asked for, so nothing is declared for it.
  webex: { bot: [], user: WEBEX.integrationScopes, admin: WEBEX.adminTokenScopes, none: [] },
  zoom: { chatbot: ZOOM.botScopes, user: ZOOM.userScopes, s2s: ZOOM.s2sScopes, none: [] },
};

const SLACK_METHOD = (m: string) => `https://api.slack.com/methods/${m}`;
const SLACK_EVENT = (e: string) => `https://api.slack.com/events/${e}`;
const GRAPH = (page: string) => `https://learn.microsoft.com/en-us/graph/api/${page}?view=graph-rest-1.0`;
const ZOOM_GRANULAR = 'https://developers.zoom.us/docs/integrations/oauth-scopes-granular/';

/** API → required scope, per platform. */
export const API_REQUIREMENTS: Record<Platform, ApiRequirement[]> = {
  slack: [
    { api: 'auth.test', uses: ['none'], requires: [], ref: SLACK_METHOD('auth.test') },
    { api: 'oauth.v2.access', uses: ['none'], requires: [], ref: SLACK_METHOD('oauth.v2.access') },
    { api: 'chat.postMessage', uses: ['bot', 'user'], requires: ['chat:write'], ref: SLACK_METHOD('chat.postMessage') },
    { api: 'chat.update', uses: ['bot', 'user'], requires: ['chat:write'], ref: SLACK_METHOD('chat.update') },
    { api: 'chat.delete', uses: ['bot', 'user'], requires: ['chat:write'], ref: SLACK_METHOD('chat.delete') },
    // The display name and icon of a bot-synced sender are set per message.
    { api: 'chat.postMessage (username, icon_url)', uses: ['bot'], requires: ['chat:write.customize'], ref: SLACK_METHOD('chat.postMessage') },
    { api: 'conversations.open', uses: ['bot', 'user'], requires: ['im:write'], ref: SLACK_METHOD('conversations.open') },
    { api: 'conversations.invite', uses: ['bot'], requires: ['channels:manage', 'groups:write'], ref: SLACK_METHOD('conversations.invite') },
    { api: 'conversations.kick', uses: ['bot'], requires: ['channels:manage', 'groups:write'], ref: SLACK_METHOD('conversations.kick') },
    { api: 'conversations.members', uses: ['bot'], requires: ['channels:read', 'groups:read', 'im:read'], ref: SLACK_METHOD('conversations.members') },
    { api: 'users.list', uses: ['bot'], requires: ['users:read', 'users:read.email'], ref: SLACK_METHOD('users.list') },
    { api: 'users.info', uses: ['bot', 'user'], requires: ['users:read', 'users:read.email'], ref: SLACK_METHOD('users.info') },
    { api: 'team.profile.get', uses: ['bot'], requires: ['users.profile:read'], ref: SLACK_METHOD('team.profile.get') },
    // Resend after an ambiguous failure reads the DM back (with `include_all_metadata`) for the copy's tag.
    { api: 'conversations.history', uses: ['bot', 'user'], requires: ['im:history'], ref: SLACK_METHOD('conversations.history') },
    { api: 'conversations.replies', uses: ['bot', 'user'], requires: ['im:history'], ref: SLACK_METHOD('conversations.replies') },
    { api: 'reactions.add', uses: ['bot', 'user'], requires: ['reactions:write'], ref: SLACK_METHOD('reactions.add') },
    { api: 'reactions.remove', uses: ['bot', 'user'], requires: ['reactions:write'], ref: SLACK_METHOD('reactions.remove') },
    { api: 'event message.im', uses: ['bot'], requires: ['im:history'], ref: SLACK_EVENT('message.im') },
    { api: 'event reaction_added', uses: ['bot'], requires: ['reactions:read'], ref: SLACK_EVENT('reaction_added') },
    { api: 'event reaction_removed', uses: ['bot'], requires: ['reactions:read'], ref: SLACK_EVENT('reaction_removed') },
    { api: 'event team_join', uses: ['bot'], requires: ['users:read'], ref: SLACK_EVENT('team_join') },
    { api: 'event user_change', uses: ['bot'], requires: ['users:read'], ref: SLACK_EVENT('user_change') },
    { api: 'event app_home_opened', uses: ['none'], requires: [], ref: SLACK_EVENT('app_home_opened') },
    { api: 'slash command /crosstalk', uses: ['bot'], requires: ['commands'], ref: 'https://api.slack.com/interactivity/slash-commands' },
  ],
  teams: [
    { api: 'GET list users', uses: ['application'], requires: ['User.Read.All'], ref: GRAPH('user-list') },
    { api: 'POST add member', uses: ['application'], requires: ['TeamMember.ReadWrite.All', 'ChannelMember.ReadWrite.All'], ref: `${GRAPH('team-post-members')} ${GRAPH('channel-post-members')}` },
    { api: 'GET list members', uses: ['application'], requires: ['TeamMember.ReadWrite.All', 'ChannelMember.ReadWrite.All'], ref: `${GRAPH('team-list-members')} ${GRAPH('channel-list-members')}` },
    { api: 'DELETE remove member', uses: ['application'], requires: ['TeamMember.ReadWrite.All', 'ChannelMember.ReadWrite.All'], ref: `${GRAPH('team-delete-members')} ${GRAPH('channel-delete-members')}` },
    // Channel references in `group create` (team by id or name, private/shared channel by id or name).
    { api: 'GET get team', uses: ['application'], requires: ['Team.ReadBasic.All'], ref: GRAPH('team-get') },
    { api: 'GET list teams', uses: ['application'], requires: ['Team.ReadBasic.All'], ref: GRAPH('teams-list') },
    { api: 'GET get channel', uses: ['application'], requires: ['Channel.ReadBasic.All'], ref: GRAPH('channel-get') },
    { api: 'GET list channels', uses: ['application'], requires: ['Channel.ReadBasic.All'], ref: GRAPH('channel-list') },
    { api: 'GET read profile', uses: ['delegated'], requires: ['User.Read'], ref: GRAPH('user-get') },
    { api: 'GET read own profile', uses: ['delegated'], requires: ['User.Read'], ref: GRAPH('user-get') },
    { api: 'POST open chat', uses: ['delegated'], requires: ['Chat.ReadWrite'], ref: GRAPH('chat-post') },
    { api: 'POST post chat message', uses: ['delegated'], requires: ['ChatMessage.Send'], ref: GRAPH('chat-post-messages') },
    { api: 'PATCH edit chat message', uses: ['delegated'], requires: ['Chat.ReadWrite'], ref: GRAPH('chatmessage-update') },
    { api: 'POST delete chat message', uses: ['delegated'], requires: ['Chat.ReadWrite'], ref: GRAPH('chatmessage-softdelete') },
    // The refresh token of user sync only comes with offline_access.
    { api: 'token refresh_token', uses: ['delegated'], requires: ['offline_access'], ref: 'https://learn.microsoft.com/en-us/entra/identity-platform/scopes-oidc#offline_access' },
  ],
  // Bot calls need no declared scope (a bot's scopes are fixed), so each row names the other tokens only.
  webex: [
    { api: 'messages.create', uses: ['user'], requires: ['spark:messages_write'], ref: 'https://developer.webex.com/docs/api/v1/messages/create-a-message' },
    { api: 'messages.update', uses: ['user'], requires: ['spark:messages_write'], ref: 'https://developer.webex.com/docs/api/v1/messages/edit-a-message' },
    { api: 'messages.delete', uses: ['user'], requires: ['spark:messages_write'], ref: 'https://developer.webex.com/docs/api/v1/messages/delete-a-message' },
    // Resend after an ambiguous failure: List Messages (a known room) and List Direct Messages (`direct:` targets).
    { api: 'messages.list', uses: ['user'], requires: ['spark:messages_read'], ref: 'https://developer.webex.com/docs/api/v1/messages/list-messages https://developer.webex.com/docs/api/v1/messages/list-direct-messages' },
    { api: 'messages.get', uses: ['bot'], requires: [], ref: 'https://developer.webex.com/docs/api/v1/messages/get-message-details' },
    { api: 'people.me', uses: ['user'], requires: ['spark:people_read'], ref: 'https://developer.webex.com/docs/api/v1/people/get-my-own-details' },
    // Listing without email or displayName is for administrators; anyone may list by person ids.
    { api: 'people.list', uses: ['admin'], requires: ['spark-admin:people_read'], ref: 'https://developer.webex.com/docs/api/v1/people/list-people' },
    { api: 'attachmentActions.get', uses: ['bot'], requires: [], ref: 'https://developer.webex.com/docs/api/v1/attachment-actions/get-attachment-action-details' },
    { api: 'rooms.list', uses: ['bot'], requires: [], ref: 'https://developer.webex.com/docs/api/v1/rooms/list-rooms' },
    { api: 'rooms.get', uses: ['bot'], requires: [], ref: 'https://developer.webex.com/docs/api/v1/rooms/get-room-details' },
    { api: 'memberships.list', uses: ['bot'], requires: [], ref: 'https://developer.webex.com/docs/api/v1/memberships/list-memberships' },
    { api: 'memberships.create', uses: ['bot'], requires: [], ref: 'https://developer.webex.com/docs/api/v1/memberships/create-a-membership' },
    { api: 'memberships.delete', uses: ['bot'], requires: [], ref: 'https://developer.webex.com/docs/api/v1/memberships/delete-a-membership' },
    { api: 'webhooks.list', uses: ['bot'], requires: [], ref: 'https://developer.webex.com/docs/api/v1/webhooks/list-webhooks' },
  ],
  zoom: [
    { api: 'POST /im/chat/messages', uses: ['chatbot'], requires: ['imchat:bot'], ref: 'https://developers.zoom.us/docs/api/chatbot/#tag/chatbot-messages/POST/im/chat/messages' },
    { api: 'PUT /im/chat/messages/{}', uses: ['chatbot'], requires: ['imchat:bot'], ref: 'https://developers.zoom.us/docs/api/chatbot/#tag/chatbot-messages/PUT/im/chat/messages/{message_id}' },
    { api: 'DELETE /im/chat/messages/{}', uses: ['chatbot'], requires: ['imchat:bot'], ref: 'https://developers.zoom.us/docs/api/chatbot/#tag/chatbot-messages/DELETE/im/chat/messages/{message_id}' },
    { api: 'POST /chat/users/me/messages', uses: ['user'], requires: ['team_chat:write:user_message'], ref: `${ZOOM_GRANULAR} (Send a chat message)` },
    { api: 'PUT /chat/users/me/messages/{}', uses: ['user'], requires: ['team_chat:update:user_message'], ref: `${ZOOM_GRANULAR} (Update a message)` },
    { api: 'DELETE /chat/users/me/messages/{}', uses: ['user'], requires: ['team_chat:delete:user_message'], ref: `${ZOOM_GRANULAR} (Delete a message)` },
    // Resend after an ambiguous failure: the person's messages with the contact, to find the copy.
    { api: 'GET /chat/users/me/messages', uses: ['user'], requires: ['team_chat:read:list_user_messages'], ref: `${ZOOM_GRANULAR} (Team Chat: List user's chat messages)` },
    { api: 'GET /users/me', uses: ['user'], requires: ['user:read:user'], ref: `${ZOOM_GRANULAR} (Users: Get a user)` },
    { api: 'GET /users', uses: ['s2s'], requires: ['user:read:list_users:admin'], ref: `${ZOOM_GRANULAR} (Users: List users)` },
    { api: 'GET /users/{}', uses: ['s2s'], requires: ['user:read:user:admin'], ref: `${ZOOM_GRANULAR} (Users: Get a user)` },
    { api: 'POST /chat/channels/{}/members', uses: ['s2s'], requires: ['team_chat:write:members:admin'], ref: `${ZOOM_GRANULAR} (Chat Channels: Invite channel members)` },
    { api: 'POST /chat/users/{}/channels/{}/admins', uses: ['s2s'], requires: ['team_chat:write:administrator:admin'], ref: `${ZOOM_GRANULAR} (Chat Channels: Promote channel members to administrators)` },
    { api: 'GET /chat/channels', uses: ['s2s'], requires: ['team_chat:read:list_channels:admin'], ref: `${ZOOM_GRANULAR} (Chat Channels (account-level): List account's public channels)` },
    { api: 'GET /chat/channels/{}', uses: ['s2s'], requires: ['team_chat:read:channel:admin'], ref: `${ZOOM_GRANULAR} (Chat Channels: Get a channel)` },
    { api: 'GET /chat/channels/{}/members', uses: ['s2s'], requires: ['team_chat:read:list_members:admin'], ref: `${ZOOM_GRANULAR} (Chat Channels: List channel members)` },
    { api: 'DELETE /chat/channels/{}/members/{}', uses: ['s2s'], requires: ['team_chat:delete:member:admin'], ref: `${ZOOM_GRANULAR} (Chat Channels: Remove a member)` },
    { api: 'event team_chat.dm_message_posted', uses: ['user'], requires: ['team_chat:read:user_message'], ref: 'https://developers.zoom.us/docs/api/team-chat/events/#tag/team_chat/POSTteam_chat.dm_message_posted' },
    { api: 'event team_chat.dm_message_updated', uses: ['user'], requires: ['team_chat:read:user_message'], ref: 'https://developers.zoom.us/docs/api/team-chat/events/#tag/team_chat/POSTteam_chat.dm_message_updated' },
    { api: 'event team_chat.dm_message_deleted', uses: ['user'], requires: ['team_chat:read:user_message'], ref: 'https://developers.zoom.us/docs/api/team-chat/events/#tag/team_chat/POSTteam_chat.dm_message_deleted' },
  ],
};
