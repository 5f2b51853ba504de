/**
 * A Slack user typing `/crosstalk ...` who reads the answer wherever it arrives: in the command's
 * answer, or — when the service is busy and answers "working on it" (or misses Slack's 3 s and Bolt
 * answers 404) — in the bot's DM a moment later.
 */
import { expect } from 'vitest';
import type { SandboxService } from '../helpers/sandbox-service.js';
import { eventually } from '../groups/helpers.js';

const WORKING = /Working on it/;
/** Reports of earlier background work (a sync's run) posted in the same DM: not the answer awaited. */
const BACKGROUND_REPORT = /^(Contact sync|Group sync) \S+: \d+/;

/** Drives commands as one Slack user. */
export function slackUser(env: SandboxService, teamId: string, userId: string) {
  const slack = env.sandbox.simulators.slack!;
  const ws = () => slack.state.workspace(teamId);

  async function later(channel: string, seen: number, what: string): Promise<string> {
    const answer = await eventually(
      async () => ws().messages.slice(seen).find((m) => m.channel === channel && m.botId === ws().botId && !WORKING.test(m.text) && !BACKGROUND_REPORT.test(m.text)),
      30_000,
      `the answer to "${what}"`,
    );
    return answer.text;
  }

  return {
    /** Runs a command; returns the answer text and its confirmation button value, if any. */
    async run(text: string): Promise<{ text: string; confirm?: string; channel: string }> {
      const seen = ws().messages.length;
      const res = await slack.sendSlashCommand(env.url, { teamId, userId, text });
      expect([200, 404], res.text).toContain(res.status);
      const body = res.status === 200 ? (JSON.parse(res.text) as { text: string; blocks?: Array<{ elements?: Array<{ action_id: string; value?: string }> }> }) : { text: 'Working on it' };
      const confirm = body.blocks?.flatMap((b) => b.elements ?? []).find((e) => e.action_id === 'crosstalk.confirm')?.value;
      const answer = WORKING.test(body.text) ? await later(res.channel!, seen, text) : body.text;
      return { text: answer, confirm, channel: res.channel! };
    },
    /** Runs a destructive command and clicks its Confirm button; returns the answer. */
    async confirm(text: string): Promise<string> {
      const asked = await this.run(text);
      expect(asked.confirm, `no confirmation button in: ${asked.text}`).toBeTruthy();
      const seen = ws().messages.length;
      const click = await slack.clickButton(env.url, {
        teamId,
        userId,
        channelId: asked.channel,
        messageTs: slack.state.nextTs(),
        actionId: 'crosstalk.confirm',
        value: asked.confirm,
      });
      expect(click.status).toBe(200);
      const answered = ((await slack.waitForResponse(click.responseUrl!, 30_000)).body as { text: string }).text;
      return WORKING.test(answered) ? later(asked.channel, seen, text) : answered;
    },
  };
}
