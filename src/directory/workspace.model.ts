import { Schema, model, type InferSchemaType, type HydratedDocument } from 'mongoose';
import { PLATFORMS } from '../chat-adapter.js';
import { directoryChanges } from './change-signal.js';
import { organizationScoped } from '../db/org-scope.js';

/** One connected platform instance (Slack team, Microsoft tenant, Webex org, Zoom account). */
const workspaceSchema = new Schema(
  {
    organizationId: { type: Schema.Types.ObjectId, ref: 'Organization', required: true },
    platform: { type: String, enum: PLATFORMS, required: true },
    externalId: { type: String, required: true },
    name: { type: String, required: true },
    /** Bot credentials, sealed with the encryption key (see src/crypto.ts). */
    credentials: { type: String },
    health: {
      checkedAt: Date,
      tokenValid: Boolean,
      botPresent: Boolean,
      scopesGranted: Boolean,
      webhooksRegistered: Boolean,
      missingScopes: [String],
      detail: String,
    },
    lastDirectorySync: {
      at: Date,
      status: { type: String, enum: ['running', 'succeeded', 'failed'] },
      pages: Number,
      people: Number,
      error: String,
    },
  },
  { timestamps: true },
);
workspaceSchema.plugin(organizationScoped);
workspaceSchema.plugin(directoryChanges);
workspaceSchema.index({ platform: 1, externalId: 1 }, { unique: true });
workspaceSchema.index({ organizationId: 1, platform: 1 });

export type Workspace = InferSchemaType<typeof workspaceSchema>;
export type WorkspaceDoc = HydratedDocument<Workspace>;
export const WorkspaceModel = model('Workspace', workspaceSchema);
