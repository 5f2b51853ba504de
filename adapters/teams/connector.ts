/**
 * Bot Connector work through botbuilder's `CloudAdapter`: opening a 1:1 chat with someone who
 * never wrote (`createConversationAsync`, tenant id required), and sending, updating and deleting
 * bot messages from a stored conversation reference (`continueConversationAsync`). Teams bots
 * cannot post under another name, so bot-sync messages start with the sender's avatar, bold name
 * and home platform, followed by the message.
 */
import {
  CloudAdapter,
  TurnContext,
  type Activity,
  type Attachment,
  type ConversationParameters,
  type ConversationReference,
  type InvokeResponse,
} from 'botbuilder';
import type { AuthenticateRequestResult, BotFrameworkAuthentication } from 'botframework-connector';
import { AdapterError, AdapterErrorCode, PLATFORM_NAMES, type Button, type OutboundMessage, type SendAs } from '../../src/chat-adapter.js';
import { codeForStatus, platformReason } from '../../src/outbound.js';
import { fromNeutral, type MentionEntity } from './format.js';
import { BOT_CONNECTOR_SCOPE } from './verify.js';


/** `CloudAdapter` that runs a turn for a request this adapter already authenticated. */
export class TeamsCloudAdapter extends CloudAdapter {
  constructor(auth: BotFrameworkAuthentication) {
    super(auth);
  }

  runAuthenticated(result: AuthenticateRequestResult, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    return this.processActivity(result, activity, logic);
  }
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function buttonsCard(buttons: Button[]): Attachment {
  return {
    contentType: 'application/vnd.microsoft.card.adaptive',
    content: {
      type: 'AdaptiveCard',
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
      version: '1.4',
      body: [],
      actions: buttons.map((b) =>
        b.url
          ? { type: 'Action.OpenUrl', title: b.label, url: b.url }
          : {
              type: 'Action.Submit',
              title: b.label,
              style: b.style === 'danger' ? 'destructive' : b.style === 'primary' ? 'positive' : 'default',
              data: { actionId: b.actionId, value: b.value ?? '' },
            },
      ),
    },
  };
}

/** The activity for a bot message: Teams HTML, mention entities, an optional card of buttons. */
export function botActivity(message: OutboundMessage, as: SendAs): Partial<Activity> & { entities: MentionEntity[] } {
  const body = fromNeutral(message.text);
  let text = body.text;
  if (as.kind === 'bot' && as.displayName) {
    const avatar = as.avatarUrl ? `<img src="${escapeHtml(as.avatarUrl)}" alt="${escapeHtml(as.displayName)}" width="20" height="20"> ` : '';
    const via = as.fromPlatform ? ` <i>via ${PLATFORM_NAMES[as.fromPlatform]}</i>` : '';
    text = `${avatar}<b>${escapeHtml(as.displayName)}</b>${via}<br>${text}`;
  }
  return {
    type: 'message',
    textFormat: 'xml',
    text,
    entities: body.entities,
    ...(message.buttons?.length ? { attachments: [buttonsCard(message.buttons)] } : {}),
  };
}

/** Maps a connector (Azure REST) failure to the adapter's typed error. */
export function connectorError(what: string, err: unknown): AdapterError {
  if (err instanceof AdapterError) return err;
  const status = (err as { statusCode?: number })?.statusCode;
  if (typeof status === 'number') {
    // The connector answers `{error: {code, message}}` (e.g. 404 "ConversationNotFound"; Bot
    // Connector REST API reference, "Error responses"): keep its message for the operator.
    const body = (err as { response?: { bodyAsText?: string | null } }).response?.bodyAsText;
    const reason = body ? platformReason(body) : undefined;
    return new AdapterError(codeForStatus(status), `teams ${what} failed: HTTP ${status}${reason ? ` (${reason})` : ''}`, { cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new AdapterError(AdapterErrorCode.Unavailable, `teams ${what} failed: ${message}`, { cause: err });
}

/** Bot Connector operations for one app id. */
export class Connector {
  constructor(
    readonly adapter: TeamsCloudAdapter,
    private readonly appId: string,
  ) {}

  /** Creates (or gets back) the bot's personal conversation with a user in a tenant. */
  async createPersonal(tenantId: string, userId: string, serviceUrl: string): Promise<Partial<ConversationReference>> {
    let reference: Partial<ConversationReference> | undefined;
    const params = {
      isGroup: false,
      bot: { id: `28:${this.appId}`, name: '' },
      members: [{ id: userId, name: '' }],
      tenantId,
      channelData: { tenant: { id: tenantId } },
    } as unknown as ConversationParameters;
    try {
      await this.adapter.createConversationAsync(this.appId, 'msteams', serviceUrl, BOT_CONNECTOR_SCOPE, params, async (context) => {
        reference = TurnContext.getConversationReference(context.activity);
      });
    } catch (err) {
      throw connectorError('open 1:1 chat', err);
    }
    if (!reference?.conversation) throw new AdapterError(AdapterErrorCode.Unavailable, 'teams: no conversation created');
    reference.conversation = { ...reference.conversation, tenantId, conversationType: 'personal' };
    return reference;
  }

  /** Posts an activity into a stored conversation; returns the new activity id. */
  async send(reference: Partial<ConversationReference>, activity: Partial<Activity>): Promise<string> {
    let id: string | undefined;
    try {
      await this.adapter.continueConversationAsync(this.appId, reference, async (context) => {
        id = (await context.sendActivity(activity))?.id;
      });
    } catch (err) {
      throw connectorError('send message', err);
    }
    if (!id) throw new AdapterError(AdapterErrorCode.Unavailable, 'teams: the connector returned no activity id');
    return id;
  }

  async update(reference: Partial<ConversationReference>, activityId: string, activity: Partial<Activity>): Promise<void> {
    try {
      await this.adapter.continueConversationAsync(this.appId, reference, async (context) => {
        await context.updateActivity({ ...activity, id: activityId });
      });
    } catch (err) {
      throw connectorError('update message', err);
    }
  }

  async delete(reference: Partial<ConversationReference>, activityId: string): Promise<void> {
    try {
      await this.adapter.continueConversationAsync(this.appId, reference, async (context) => {
        await context.deleteActivity(activityId);
      });
    } catch (err) {
      throw connectorError('delete message', err);
    }
  }
}
