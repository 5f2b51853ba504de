import { Schema, model, type InferSchemaType } from 'mongoose';
import { PLATFORMS } from '../chat-adapter.js';
import { organizationScoped } from './org-scope.js';

/**
 * Which platform message mirrors which: the source message and its copy, so replies, edits,
 * deletes and thread replies find their way, and so a copy is never relayed again (its id is
 * looked up as a copy before relaying).
 */
const messageLinkSchema = new Schema(
  {
    organizationId: { type: Schema.Types.ObjectId, ref: 'Organization', required: true },
    conversationId: { type: Schema.Types.ObjectId, ref: 'Conversation', required: true },
    sequence: { type: Number, required: true },
    source: {
      platform: { type: String, enum: PLATFORMS, required: true },
      workspaceId: { type: Schema.Types.ObjectId, ref: 'Workspace', required: true },
      conversationId: { type: String, required: true },
      messageId: { type: String, required: true },
    },
    copy: {
      platform: { type: String, enum: PLATFORMS },
      workspaceId: { type: Schema.Types.ObjectId, ref: 'Workspace' },
      conversationId: String,
      messageId: String,
    },
    status: { type: String, enum: ['pending', 'delivered', 'failed'], default: 'pending' },
    attempts: { type: Number, default: 0 },
    lastError: String,
  },
  { timestamps: true },
);
messageLinkSchema.plugin(organizationScoped);
messageLinkSchema.index(
  { organizationId: 1, 'source.workspaceId': 1, 'source.messageId': 1 },
  { unique: true },
);
messageLinkSchema.index({ organizationId: 1, 'copy.workspaceId': 1, 'copy.messageId': 1 });
messageLinkSchema.index({ organizationId: 1, conversationId: 1, sequence: 1 });

export type MessageLink = InferSchemaType<typeof messageLinkSchema>;
export const MessageLinkModel = model('MessageLink', messageLinkSchema);
