import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANIFESTS_DIR, readManifestFile, readZip } from './formats.js';

const run = promisify(execFile);
const REPO = resolve(MANIFESTS_DIR, '..');

describe('npm run package:teams', () => {
  let dir: string;
  let zip: Buffer;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'crosstalk-teams-'));
    await run(process.execPath, ['--import', 'tsx', 'scripts/package-teams.ts', '--out', join(dir, 'crosstalk-teams.zip')], { cwd: REPO });
    zip = await readFile(join(dir, 'crosstalk-teams.zip'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('zips exactly the manifest and the two icons, at the root of the archive', () => {
    expect(readZip(zip).map((e) => e.name)).toEqual(['manifest.json', 'color.png', 'outline.png']);
  });

  it('holds the files of manifests/teams unchanged, each with a correct checksum', async () => {
    for (const entry of readZip(zip)) {
      expect(entry.data.equals(await readManifestFile(`teams/${entry.name}`)), entry.name).toBe(true);
      expect(entry.crc, entry.name).toBe(crc32(entry.data));
    }
  });

  it('produces the same bytes every time, so a rebuilt package is recognisably the same', async () => {
    const again = join(dir, 'again.zip');
    await run(process.execPath, ['--import', 'tsx', 'scripts/package-teams.ts', '--out', again], { cwd: REPO });
    expect((await readFile(again)).equals(zip)).toBe(true);
  });
});
