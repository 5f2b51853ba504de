/**
 * The public pages an app listing links to: a product page at `/`, and `/privacy` and `/terms`
 * (the Teams manifest's `developer.websiteUrl`, `privacyUrl` and `termsOfUseUrl`). An organization
 * with its own policy pages sets `privacyUrl`/`termsUrl`, and these paths redirect there.
 */
import escapeHtml from 'escape-html';
import { Router } from 'express';
import { APP, COMMAND, PATHS } from '../../manifests/source.js';

/** Options of `publicPagesRouter`. */
export interface PublicPagesOptions {
  /** Who runs this Crosstalk, shown on the pages; default "the organization that runs this service". */
  operator?: string;
  /** An external privacy policy: `/privacy` redirects there instead of showing the built-in page. */
  privacyUrl?: string;
  /** External terms of use: `/terms` redirects there instead of showing the built-in page. */
  termsUrl?: string;
  /** Where to write about the service, shown on every page. */
  contact?: string;
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem;color:#1d1d1f}h1{color:${APP.accentColor}}footer{margin-top:3rem;font-size:.9em;color:#555}</style>
</head><body>${body}<footer><a href="/">${escapeHtml(APP.name)}</a> · <a href="${PATHS.privacy}">Privacy</a> · <a href="${PATHS.terms}">Terms</a></footer></body></html>`;
}

/** The router serving `/`, `/privacy` and `/terms`; mounted in production mode. */
export function publicPagesRouter(options: PublicPagesOptions = {}): Router {
  const router = Router();
  const operator = escapeHtml(options.operator ?? 'the organization that runs this service');
  const contact = options.contact ? `<p>Questions: <a href="mailto:${escapeHtml(options.contact)}">${escapeHtml(options.contact)}</a>.</p>` : '';

  router.get('/', (_req, res) => {
    res.type('html').send(
      page(
        APP.name,
        `<h1>${escapeHtml(APP.name)}</h1><p><strong>${escapeHtml(APP.shortDescription)}</strong></p><p>${escapeHtml(APP.longDescription)}</p>` +
          `<p>This service is run by ${operator}. To start, type <code>${escapeHtml(`${COMMAND.slash} help`)}</code> in your chat app.</p>${contact}`,
      ),
    );
  });

  router.get(PATHS.privacy, (_req, res) => {
    if (options.privacyUrl) return res.redirect(302, options.privacyUrl);
    res.type('html').send(
      page(
        `${APP.name}: privacy`,
        `<h1>Privacy</h1><p>${escapeHtml(APP.name)} is run by ${operator}. It keeps only what it needs to relay messages between chat platforms:</p>` +
          '<ul><li>your name, email address and the ids of your accounts on each connected platform, from the platforms\' directories;</li>' +
          '<li>your sync choices (primary team, sync status);</li>' +
          '<li>the access tokens you grant when you authorize your own accounts, encrypted at rest, and deleted when your sync is reset;</li>' +
          '<li>which message mirrors which, so replies, edits and deletions follow; message text is passed on, not kept.</li></ul>' +
          `<p>Nothing is sold or shared beyond the platforms your organization connected.</p>${contact}`,
      ),
    );
  });

  router.get(PATHS.terms, (_req, res) => {
    if (options.termsUrl) return res.redirect(302, options.termsUrl);
    res.type('html').send(
      page(
        `${APP.name}: terms of use`,
        `<h1>Terms of use</h1><p>${escapeHtml(APP.name)} is provided by ${operator} to its members for work communication, under that organization's own policies for chat and email.</p>` +
          `<p>Messages you send through ${escapeHtml(APP.name)} are delivered to the recipients on their own platforms; the platforms' terms apply there.</p>${contact}`,
      ),
    );
  });

  return router;
}
