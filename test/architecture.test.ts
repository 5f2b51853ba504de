/**
 * The production import graph: nothing under src/ or adapters/ reaches the simulators, the demo
 * organization or the sandbox page, except main.ts's dynamic import in sandbox mode; the shared
 * layers never import a feature (only the composition root knows them all); no platform SDK is
 * imported outside its adapter.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');

function filesUnder(dir: string): string[] {
  return readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.ts$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name));
}

/** Static imports of `file`, resolved to paths relative to the repository. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+'([^']+)'/g)].map((m) =>
    m[1]!.startsWith('.') ? path.relative(root, path.resolve(path.dirname(file), m[1]!)) : m[1]!,
  );
}

const FEATURES = ['people', 'relay', 'groups', 'contacts', 'admin'];
/** Files allowed to know every feature: the composition root and the entry point. */
const COMPOSITION = ['src/service.ts', 'src/main.ts', 'src/adapters.ts'];

describe('the production import graph', () => {
  it('keeps features out of the shared layers: only the composition root imports a feature', () => {
    const offenders: string[] = [];
    for (const file of [...filesUnder('src'), ...filesUnder('adapters')]) {
      const rel = path.relative(root, file);
      const own = rel.split(path.sep)[1];
      if (COMPOSITION.includes(rel) || (rel.startsWith('src/') && FEATURES.includes(own!))) continue;
      for (const target of importsOf(file)) {
        const feature = target.startsWith('src/') ? target.split('/')[1] : undefined;
        if (feature && FEATURES.includes(feature)) offenders.push(`${rel} → ${target}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('imports each platform SDK only inside its own adapter', () => {
    const SDKS: Record<string, string> = { '@slack/bolt': 'slack', '@slack/web-api': 'slack', botbuilder: 'teams', 'botframework-connector': 'teams', '@azure/msal-node': 'teams', 'webex-node-bot-framework': 'webex' };
    const offenders: string[] = [];
    for (const file of [...filesUnder('src'), ...filesUnder('adapters')]) {
      const rel = path.relative(root, file);
      for (const target of importsOf(file)) {
        const owner = SDKS[target];
        if (owner && !rel.startsWith(`adapters${path.sep}${owner}${path.sep}`)) offenders.push(`${rel} → ${target}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('never imports sandbox/ statically from src/ or adapters/', () => {
    const offenders: string[] = [];
    for (const file of [...filesUnder('src'), ...filesUnder('adapters')]) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+'([^']+)'/g)) {
        const target = path.resolve(path.dirname(file), m[1]);
        if (target.startsWith(path.join(root, 'sandbox') + path.sep)) offenders.push(`${path.relative(root, file)} → ${m[1]}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('loads the sandbox only through a dynamic import in main.ts', () => {
    const dynamic: string[] = [];
    for (const file of [...filesUnder('src'), ...filesUnder('adapters')]) {
      for (const m of readFileSync(file, 'utf8').matchAll(/import\(\s*'([^']+)'\s*\)/g)) {
        if (path.resolve(path.dirname(file), m[1]).startsWith(path.join(root, 'sandbox') + path.sep)) dynamic.push(path.relative(root, file));
      }
    }
    expect([...new Set(dynamic)]).toEqual(['src/main.ts']);
  });
});
