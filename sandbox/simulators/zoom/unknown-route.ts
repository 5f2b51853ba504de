/**
 * Zoom's answer to a REST path it does not serve: `404` with its error body `{"code":…,"message":"…"}`
 * (https://developers.zoom.us/docs/api/errors: "If you receive an error status code, check the body
 * for an error code and message").
 */
import type { Request, Response } from 'express';

/** The `SimServer.unknownRoute` of the Zoom simulator. */
export function zoomUnknownRoute(req: Request, res: Response): void {
  res.status(404).json({ code: 404, message: `No such API endpoint: ${req.method} ${req.path}.` });
}
