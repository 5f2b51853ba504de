/**
 * Slack's answer to a path it does not serve. Any `/api/<name>` that is not a Web API method is
 * HTTP 200 `{"ok":false,"error":"unknown_method","req_method":"<name>"}`, whatever the HTTP verb
 * (observed answers to `https://slack.com/api/foo.bar`, and the Web API's rule that errors come back
 * as HTTP 200 with `ok:false`: https://docs.slack.dev/apis/web-api/#evaluating-responses). Anything
 * else on the host is a plain 404 page.
 */
import type { Request, Response } from 'express';

/** The `SimServer.unknownRoute` of the Slack simulator. */
export function slackUnknownRoute(req: Request, res: Response): void {
  const method = /^\/api\/(.+)$/.exec(req.path)?.[1];
  if (method !== undefined) {
    res.status(200).json({ ok: false, error: 'unknown_method', req_method: method });
    return;
  }
  res.status(404).type('text/plain').send('Not Found');
}
