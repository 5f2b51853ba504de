/**
 * Tenant isolation as a schema plugin: every query on an organization-scoped model must name an
 * `organizationId`, or explicitly opt out with `.setOptions({ crossOrganization: true })` (used
 * only where an inbound platform id is resolved to its organization). A forgotten filter then
 * fails loudly in tests instead of leaking another organization's data.
 */
import type { Query, Schema } from 'mongoose';

const QUERY_OPS = [
  'find',
  'findOne',
  'countDocuments',
  'updateOne',
  'updateMany',
  'deleteOne',
  'deleteMany',
  'findOneAndUpdate',
  'findOneAndDelete',
  'replaceOne',
] as const;

/** Thrown when a query on organization-scoped data has no organization filter. */
export class UnscopedQueryError extends Error {
  override name = 'UnscopedQueryError';
}

/** Adds the organization-scope guard to a schema. */
export function organizationScoped(schema: Schema): void {
  for (const op of QUERY_OPS) {
    schema.pre(op, function (this: Query<unknown, unknown>) {
      const options = this.getOptions() as { crossOrganization?: boolean };
      if (options.crossOrganization) return;
      const filter = this.getFilter() as Record<string, unknown>;
      if (filter.organizationId === undefined || filter.organizationId === null) {
        throw new UnscopedQueryError(
          `${(this.model as { modelName?: string }).modelName ?? 'model'}.${op} without an organizationId filter`,
        );
      }
    });
  }
}
