/**
 * `npm run db:build`: builds the embedded database (FerretDB) ahead of time, so the first
 * `npm start` or `npm test` does not pay for it.
 */
import { ensureFerretDb, EmbeddedDbError } from '../src/db/embedded.js';

try {
  const started = Date.now();
  const binary = await ensureFerretDb((line) => process.stdout.write(`${line}\n`));
  process.stdout.write(`FerretDB ready at ${binary} (${Math.round((Date.now() - started) / 1000)} s)\n`);
} catch (err) {
  process.stderr.write(`crosstalk: ${err instanceof EmbeddedDbError ? err.message : String(err)}\n`);
  process.exit(1);
}
