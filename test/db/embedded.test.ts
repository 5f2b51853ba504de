import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureFerretDb, EmbeddedDbError } from '../../src/db/embedded.js';

describe('embedded database build', () => {
  it('says in one line what to do when Go is missing', async () => {
    const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'crosstalk-nogo-'));
    try {
      const failure = ensureFerretDb(() => {}, { cacheDir, goCandidates: [path.join(cacheDir, 'no-such-go')] });
      await expect(failure).rejects.toBeInstanceOf(EmbeddedDbError);
      await expect(failure).rejects.toThrow(/^Go is not installed.*install Go 1\.24 or newer.*or set MONGODB_URI/);
      await failure.catch((err: Error) => expect(err.message).not.toContain('\n'));
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});
