import { describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS, generateManifests } from '../../manifests/generate.js';
import { decodePng, readManifestFile } from './formats.js';

describe('committed manifests', () => {
  const generated = generateManifests(DEFAULT_OPTIONS);

  it.each(generated.filter((f) => !f.path.endsWith('.png')).map((f) => [f.path, f] as const))(
    '%s is exactly what `npm run manifests` writes for the default URL',
    async (path, file) => {
      const committed = (await readManifestFile(path)).toString('utf8');
      expect(committed, `${path} drifted from manifests/source.ts: run \`npm run manifests\``).toBe(file.contents.toString('utf8'));
    },
  );

  it.each(generated.filter((f) => f.path.endsWith('.png')).map((f) => [f.path, f] as const))(
    '%s shows the same picture the generator draws',
    async (path, file) => {
      // Pixels, not bytes: another zlib may compress the same image differently.
      const committed = decodePng(await readManifestFile(path));
      const expected = decodePng(file.contents);
      expect([committed.width, committed.height]).toEqual([expected.width, expected.height]);
      expect(Buffer.from(committed.rgba).equals(Buffer.from(expected.rgba)), `${path} drifted: run \`npm run manifests\``).toBe(true);
    },
  );
});
