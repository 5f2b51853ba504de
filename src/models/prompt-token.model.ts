import { Schema, model, type InferSchemaType } from 'mongoose';
import { organizationScoped } from './org-scope.js';

/** A "Sync now" link: single use, expiring, bound to one person. Only the hash is stored. */
const promptTokenSchema = new Schema(
  {
    organizationId: { type: Schema.Types.ObjectId, ref: 'Organization', required: true },
    personId: { type: Schema.Types.ObjectId, ref: 'Person', required: true },
    tokenHash: { type: String, required: true },
    expiresAt: { type: Date, required: true },
    usedAt: Date,
  },
  { timestamps: true },
);
promptTokenSchema.plugin(organizationScoped);
promptTokenSchema.index({ tokenHash: 1 }, { unique: true });
promptTokenSchema.index({ organizationId: 1, personId: 1 });

export type PromptToken = InferSchemaType<typeof promptTokenSchema>;
export const PromptTokenModel = model('PromptToken', promptTokenSchema);
