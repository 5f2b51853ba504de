/**
 * What the Microsoft services behind the Teams simulator answer for a path they do not serve:
 * - Microsoft Graph: `400 {"error":{"code":"BadRequest","message":"Resource not found for the segment '<segment>'.",
 *   "innerError":{...}}}` — Graph's answer to an unknown URL segment, and its error body shape
 *   (https://learn.microsoft.com/graph/errors: "Error resource type");
 * - Bot Connector: `404 {"error":{"code":"NotFound","message":"..."}}`, the Bot Framework `ErrorResponse`
 *   object (https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-api-reference#errorresponse-object);
 * - Microsoft identity platform: `404` with its OAuth error body (`error`, `error_description`, `error_codes`,
 *   `trace_id`, `correlation_id`: https://learn.microsoft.com/entra/identity-platform/reference-error-codes).
 */
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';

/** The `SimServer.unknownRoute` of the Teams simulator (Graph under `/graph`, the connector under `/connector`, login under `/login`). */
export function teamsUnknownRoute(req: Request, res: Response): void {
  if (req.path.startsWith('/graph/')) {
    // The first segment after the version that Graph would not recognise: report the last one, as Graph names the one it could not resolve.
    const segments = req.path.replace(/^\/graph\/v1\.0\/?/, '').split('/').filter(Boolean);
    const segment = segments[segments.length - 1] ?? '';
    res.status(400).json({
      error: {
        code: 'BadRequest',
        message: `Resource not found for the segment '${segment}'.`,
        innerError: { date: new Date().toISOString(), 'request-id': randomUUID(), 'client-request-id': randomUUID() },
      },
    });
    return;
  }
  if (req.path.startsWith('/connector/')) {
    res.status(404).json({ error: { code: 'NotFound', message: `The requested resource ${req.method} ${req.path.replace(/^\/connector/, '')} does not exist.` } });
    return;
  }
  if (req.path.startsWith('/login/')) {
    res.status(404).json({
      error: 'invalid_request',
      error_description: `AADSTS900561: The endpoint only accepts the documented methods and paths; ${req.method} ${req.path.replace(/^\/login/, '')} is not one.`,
      error_codes: [900561],
      timestamp: new Date().toISOString().replace('T', ' ').slice(0, 19) + 'Z',
      trace_id: randomUUID(),
      correlation_id: randomUUID(),
    });
    return;
  }
  res.status(404).type('text/plain').send('Not Found');
}
