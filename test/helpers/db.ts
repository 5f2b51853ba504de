/** Per-file test databases on the run's embedded server (see test/global-setup.ts). */
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';

/** A connection string for a fresh, uniquely named database. */
export function freshDatabaseUri(label: string): string {
  const url = new URL(inject('mongoUri'));
  url.pathname = `/t_${label.replace(/\W/g, '_').slice(0, 20)}_${randomBytes(4).toString('hex')}`;
  return url.toString();
}
