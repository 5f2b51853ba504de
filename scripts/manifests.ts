/**
 * `npm run manifests`: writes every platform's manifest from manifests/source.ts, with the URLs
 * under PUBLIC_URL and the Teams ids from MICROSOFT_APP_ID.
 *
 *   PUBLIC_URL=https://crosstalk.example.com MICROSOFT_APP_ID=<guid> npm run manifests [-- --out DIR]
 *
 * Without `--out` the files land in manifests/, where the copies for the default URL are committed.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateManifests, optionsFromEnv } from '../manifests/generate.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  const outDir = resolve(values.out ?? join(repoRoot, 'manifests'));
  const { options, warnings } = optionsFromEnv(process.env);
  for (const warning of warnings) console.warn(`warning: ${warning}`);
  for (const file of generateManifests(options)) {
    const target = join(outDir, file.path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, file.contents);
    console.log(`wrote ${relative(process.cwd(), target)}`);
  }
  console.log(`manifests for ${options.publicUrl}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
