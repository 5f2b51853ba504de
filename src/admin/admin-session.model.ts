import { Schema, model, type InferSchemaType } from 'mongoose';

/**
 * A browser session of the admin page: first a sign-in in progress (OAuth state and PKCE
 * verifier), then the signed-in admin. Looked up by the hash of its cookie before the
 * organization is known, so it is not organization-scoped; expired ones are removed on sight.
 */
const adminSessionSchema = new Schema(
  {
    sessionHash: { type: String, required: true },
    expiresAt: { type: Date, required: true },
    /** Per-session token every form posts back (CSRF). */
    csrfToken: { type: String, required: true },
    organizationId: { type: Schema.Types.ObjectId, ref: 'Organization' },
    personId: { type: Schema.Types.ObjectId, ref: 'Person' },
    accountId: { type: Schema.Types.ObjectId, ref: 'PlatformAccount' },
    /** The sign-in in progress. */
    oauth: {
      stateHash: String,
      /** PKCE verifier, sealed with the encryption key. */
      codeVerifier: String,
      platform: String,
      startedAt: Date,
    },
    /** The reply of the last action, shown once after the redirect. */
    flash: String,
  },
  { timestamps: true },
);
adminSessionSchema.index({ sessionHash: 1 }, { unique: true });
adminSessionSchema.index({ 'oauth.stateHash': 1 });

export type AdminSession = InferSchemaType<typeof adminSessionSchema>;
export const AdminSessionModel = model('AdminSession', adminSessionSchema);
