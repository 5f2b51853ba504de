/**
 * Each platform seen from a person: how a message they write reaches Crosstalk (its inbound
 * converter) and what a relayed message looks like to them (its outbound converter).
 */
import { neutralToSlack, slackToNeutral } from '../../adapters/slack/format.js';
import { fromNeutral as teamsFromNeutral, toNeutral as teamsToNeutral, type MentionEntity } from '../../adapters/teams/format.js';
import { fromNeutral as webexFromNeutral, toNeutral as webexToNeutral } from '../../adapters/webex/format.js';
import {
  neutralToUserMessage,
  neutralToZoomMarkdown,
  userMessageToNeutral,
  type ZoomRichTextRange,
  type ZoomUserMessageBody,
} from '../../adapters/zoom/format.js';

export const PLATFORMS = ['slack', 'teams', 'webex', 'zoom'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** What a person types: Slack mrkdwn, Teams HTML with its mention entities, Webex markdown, a Zoom DM with rich text. */
export interface Written {
  slack?: string;
  teams?: string | { text: string; entities: MentionEntity[] };
  webex?: string;
  zoom?: string | { message: string; rich_text: ZoomRichTextRange[] };
}

/**
 * What a person is shown: Slack mrkdwn, Teams HTML (+ mention entities), Webex markdown, and on
 * Zoom both the bot's chatbot markdown (bot sync) and a DM sent as the person (user sync).
 */
export interface Shown {
  slack: string;
  teams: string;
  teamsEntities?: MentionEntity[];
  webex: string;
  zoom: string;
  zoomUser: ZoomUserMessageBody;
}

/** A message written on `platform` → neutral text. */
export function written(platform: Platform, w: Written): string | undefined {
  switch (platform) {
    case 'slack':
      return w.slack === undefined ? undefined : slackToNeutral(w.slack);
    case 'teams':
      if (w.teams === undefined) return undefined;
      return typeof w.teams === 'string' ? teamsToNeutral(w.teams) : teamsToNeutral(w.teams.text, w.teams.entities);
    case 'webex':
      return w.webex === undefined ? undefined : webexToNeutral(w.webex);
    case 'zoom':
      if (w.zoom === undefined) return undefined;
      return typeof w.zoom === 'string' ? userMessageToNeutral(w.zoom) : userMessageToNeutral(w.zoom.message, w.zoom.rich_text);
  }
}

/** Neutral text → what a person on `platform` is shown, in the shape of `Shown[platform]`. */
export function shown(platform: Platform, neutral: string): Partial<Shown> {
  switch (platform) {
    case 'slack':
      return { slack: neutralToSlack(neutral) };
    case 'teams': {
      const { text, entities } = teamsFromNeutral(neutral);
      return { teams: text, teamsEntities: entities };
    }
    case 'webex':
      return { webex: webexFromNeutral(neutral) };
    case 'zoom':
      return { zoom: neutralToZoomMarkdown(neutral), zoomUser: neutralToUserMessage(neutral) };
  }
}

/** The part of `Shown` that belongs to `platform`. */
export function expectedOn(platform: Platform, s: Shown): Partial<Shown> {
  switch (platform) {
    case 'slack':
      return { slack: s.slack };
    case 'teams':
      return { teams: s.teams, teamsEntities: s.teamsEntities ?? [] };
    case 'webex':
      return { webex: s.webex };
    case 'zoom':
      return { zoom: s.zoom, zoomUser: s.zoomUser };
  }
}
