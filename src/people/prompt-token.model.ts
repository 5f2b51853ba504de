import { Schema, model, type InferSchemaType } from 'mongoose';
import { organizationScoped } from '../db/org-scope.js';

/** A "Sync now" link: single use, expiring, bound to one person. Only the hash is stored. */
const promptTokenSchema = new Schema(
  {
    organizationId: { type: Schema.Types.ObjectId, ref: 'Organization', required: true },
    personId: { type: Schema.Types.ObjectId, ref: 'Person', required: true },
    tokenHash: { type: String, required: true },
    expiresAt: { type: Date, required: true },
    usedAt: Date,
    /** Hash of the browser session cookie the page was opened in; OAuth returns must come back to it. */
    sessionHash: String,
    /** The OAuth authorization in progress from this page (one at a time). */
    oauth: {
      stateHash: String,
      /** PKCE verifier, sealed with the encryption key. */
      codeVerifier: String,
      accountId: { type: Schema.Types.ObjectId, ref: 'PlatformAccount' },
      platform: String,
      startedAt: Date,
      /** The link itself, sealed, so the OAuth return can bring the browser back to its page. */
      linkToken: String,
    },
  },
  { timestamps: true },
);
promptTokenSchema.plugin(organizationScoped);
promptTokenSchema.index({ tokenHash: 1 }, { unique: true });
promptTokenSchema.index({ organizationId: 1, personId: 1 });
promptTokenSchema.index({ 'oauth.stateHash': 1 });

export type PromptToken = InferSchemaType<typeof promptTokenSchema>;
export const PromptTokenModel = model('PromptToken', promptTokenSchema);
