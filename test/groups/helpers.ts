/** Driving Crosstalk's command language through the simulated Slack, as an admin would. */
import { expect } from 'vitest';
import type { SandboxService } from '../helpers/sandbox-service.js';
import { runDirectorySync } from '../../src/jobs/directory-sync.job.js';
import { WorkspaceModel } from '../../src/models/index.js';

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

/** A Slack user who types `/crosstalk ...` and reads the reply. */
export function slackCommander(env: SandboxService, teamId: string, userId: string) {
  const slack = env.sandbox.simulators.slack!;
  return {
    /** Runs a command; returns the reply text and its confirmation button value, if any. */
    async run(text: string): Promise<{ text: string; confirm?: string; channel: string }> {
      const res = await slack.sendSlashCommand(env.url, { teamId, userId, text });
      expect(res.status, res.text).toBe(200);
      const body = JSON.parse(res.text) as { text: string; blocks?: Array<{ elements?: Array<{ action_id: string; value?: string }> }> };
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
      expect(click.status).toBe(200);
      const answered = await slack.waitForResponse(click.responseUrl!);
      return (answered.body as { text: string }).text;
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
