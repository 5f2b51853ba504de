/** Driving Crosstalk's command language through the simulated Slack, as an admin would. */
import { expect } from 'vitest';
import type { SandboxService } from '../helpers/sandbox-service.js';
import { runDirectorySync } from '../../src/people/directory-sync.job.js';
import { WorkspaceModel } from '../../src/directory/workspace.model.js';

/** Polls `check` until it returns a truthy value, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined | null | false>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

type SlackAnswer = { text: string; blocks?: Array<{ elements?: Array<{ action_id: string; value?: string }> }> };

/** What Crosstalk answers at once when a command outlasts Slack's deadline. */
export const WORKING = /^Working on it/;

/**
 * A command that outlasts Slack's 3 s deadline is answered "working on it"; its real answer is
 * then posted in the person's DM with the bot. This reads that later answer.
 */
export async function laterAnswer(env: SandboxService, teamId: string, userId: string, afterSeq: number, timeoutMs = 30_000): Promise<SlackAnswer> {
  const slack = env.sandbox.simulators.slack!;
  const im = slack.state.openIm(teamId, slack.state.workspace(teamId).botUserId, userId).id;
  const call = await slack.sim.waitForCall(
    (c) => c.seq > afterSeq && c.path === '/api/chat.postMessage' && (c.body as { channel?: string }).channel === im,
    timeoutMs,
  );
  const posted = call.body as { text: string; blocks?: string | SlackAnswer['blocks'] };
  return { text: posted.text, blocks: typeof posted.blocks === 'string' ? JSON.parse(posted.blocks) : posted.blocks };
}

/** A Slack user who types `/crosstalk ...` and reads the reply. */
export function slackCommander(env: SandboxService, teamId: string, userId: string) {
  const slack = env.sandbox.simulators.slack!;
  return {
    /** Runs a command; returns the reply text and its confirmation button value, if any. */
    async run(text: string): Promise<{ text: string; confirm?: string; channel: string }> {
      const before = slack.sim.calls.length ? slack.sim.calls[slack.sim.calls.length - 1].seq : 0;
      const res = await slack.sendSlashCommand(env.url, { teamId, userId, text });
      expect(res.status, res.text).toBe(200);
      let body = JSON.parse(res.text) as SlackAnswer;
      if (WORKING.test(body.text)) body = await laterAnswer(env, teamId, userId, before);
      const confirm = body.blocks?.flatMap((b) => b.elements ?? []).find((e) => e.action_id === 'crosstalk.confirm')?.value;
      return { text: body.text, confirm, channel: res.channel! };
    },
    /** Runs a destructive command and clicks its Confirm button; returns the answer. */
    async confirm(text: string): Promise<string> {
      const asked = await this.run(text);
      expect(asked.confirm, `no confirmation button in: ${asked.text}`).toBeTruthy();
      const click = await slack.clickButton(env.url, {
        teamId,
        userId,
        channelId: asked.channel,
        messageTs: slack.state.nextTs(),
        actionId: 'crosstalk.confirm',
        value: asked.confirm,
      });
      const before = slack.sim.calls.length ? slack.sim.calls[slack.sim.calls.length - 1].seq : 0;
      expect(click.status).toBe(200);
      const answered = await slack.waitForResponse(click.responseUrl!);
      const answer = (answered.body as { text: string }).text;
      return WORKING.test(answer) ? (await laterAnswer(env, teamId, userId, before)).text : answer;
    },
  };
}

/** Imports every connected workspace's directory, as `directory sync all` does. */
export async function importAll(env: SandboxService): Promise<void> {
  const { service } = env;
  for (const ws of await WorkspaceModel.find({ organizationId: service.organizationId })) {
    await runDirectorySync(service.core, { organizationId: String(service.organizationId), workspaceId: String(ws._id) });
  }
}
