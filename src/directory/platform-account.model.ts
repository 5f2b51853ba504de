import { Schema, model, type InferSchemaType, type HydratedDocument } from 'mongoose';
import { PLATFORMS } from '../chat-adapter.js';
import { directoryChanges } from './change-signal.js';
import { organizationScoped } from '../db/org-scope.js';

/** Per secondary platform: ✔ on, ⏱ pending, ⚠ failed, ↻ not created. */
export const SECONDARY_STATUSES = ['on', 'pending', 'failed', 'not_created'] as const;
/** user = their own authorized account; bot = represented by the bot. */
export const SYNC_TYPES = ['user', 'bot'] as const;

/** A person's account on one workspace. */
const platformAccountSchema = new Schema(
  {
    organizationId: { type: Schema.Types.ObjectId, ref: 'Organization', required: true },
    workspaceId: { type: Schema.Types.ObjectId, ref: 'Workspace', required: true },
    platform: { type: String, enum: PLATFORMS, required: true },
    externalUserId: { type: String, required: true },
    personId: { type: Schema.Types.ObjectId, ref: 'Person' },
    email: String,
    name: String,
    avatarUrl: String,
    deactivated: { type: Boolean, default: false },
    /** Start of the directory sync run that last listed this account; older = gone from the platform. */
    lastSeenAt: Date,
    isBot: { type: Boolean, default: false },
    /** The bot's 1:1 conversation with this account, once opened. */
    directConversationId: String,
    secondary: {
      status: { type: String, enum: SECONDARY_STATUSES, default: 'not_created' },
      type: { type: String, enum: SYNC_TYPES },
      reason: String,
      updatedAt: Date,
    },
    /** The person's own OAuth grant on this workspace, sealed with the encryption key. */
    userToken: String,
    userTokenExpiresAt: Date,
  },
  { timestamps: true },
);
platformAccountSchema.plugin(organizationScoped);
platformAccountSchema.plugin(directoryChanges);
platformAccountSchema.index({ workspaceId: 1, externalUserId: 1 }, { unique: true });
platformAccountSchema.index({ organizationId: 1, personId: 1 });
platformAccountSchema.index({ organizationId: 1, email: 1 });

export type PlatformAccount = InferSchemaType<typeof platformAccountSchema>;
export type PlatformAccountDoc = HydratedDocument<PlatformAccount>;
export const PlatformAccountModel = model('PlatformAccount', platformAccountSchema);
