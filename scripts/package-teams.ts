/**
 * `npm run package:teams`: zips manifests/teams (manifest.json, color.png, outline.png) into
 * dist/crosstalk-teams.zip, the file to upload to Teams. Run `npm run manifests` first so the
 * manifest carries your PUBLIC_URL and MICROSOFT_APP_ID.
 *
 *   npm run package:teams [-- --from DIR --out FILE]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { PLACEHOLDER_MICROSOFT_APP_ID } from '../manifests/source.js';
import { buildTeamsPackage } from '../manifests/teams-package.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { from: { type: 'string' }, out: { type: 'string' } } });
  const from = resolve(values.from ?? join(repoRoot, 'manifests', 'teams'));
  const out = resolve(values.out ?? join(repoRoot, 'dist', 'crosstalk-teams.zip'));
  const zip = await buildTeamsPackage(from);
  if (zip.includes(PLACEHOLDER_MICROSOFT_APP_ID)) {
    console.warn('warning: the manifest still carries the placeholder app id; set MICROSOFT_APP_ID and run `npm run manifests` first.');
  }
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, zip);
  console.log(`wrote ${relative(process.cwd(), out)} (${zip.length} bytes)`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
