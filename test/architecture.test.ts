/**
 * The production import graph: nothing under src/ or adapters/ reaches the simulators, the demo
 * organization or the sandbox page, except main.ts's dynamic import in sandbox mode.
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

describe('the production import graph', () => {
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
