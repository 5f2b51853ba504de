/**
 * Webex's answer to a REST path it does not serve: `404` with its error body
 * `{"message":"...","errors":[{"description":"..."}],"trackingId":"..."}` (the `ErrorResponse`
 * schema of the Webex REST reference, https://developer.webex.com/docs/basics "API Errors").
 */
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';

/** The `SimServer.unknownRoute` of the Webex simulator. */
export function webexUnknownRoute(req: Request, res: Response): void {
  const message = 'The requested resource could not be found.';
  res.status(404).json({ message, errors: [{ description: message }], trackingId: `ROUTER_${randomUUID()}` });
}
