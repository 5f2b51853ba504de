/**
 * The Teams app package: `manifest.json` and the two icons at the root of one zip, which is the
 * layout Teams (Developer Portal, admin center, "Upload a custom app") accepts.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createZip } from './zip.js';

/** The files of a Teams app package, in the order they are zipped. */
export const TEAMS_PACKAGE_FILES = ['manifest.json', 'color.png', 'outline.png'] as const;

/** Zips the package files found in `teamsDir` (normally `manifests/teams`). */
export async function buildTeamsPackage(teamsDir: string): Promise<Buffer> {
  const entries = await Promise.all(
    TEAMS_PACKAGE_FILES.map(async (name) => ({ name, data: await readFile(join(teamsDir, name)) })),
  );
  return createZip(entries);
}
