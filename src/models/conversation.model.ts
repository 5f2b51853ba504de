import { Schema, model, type InferSchemaType } from 'mongoose';
import { PLATFORMS } from '../chat-adapter.js';
import { organizationScoped } from './org-scope.js';

const endpointSchema = new Schema(
  {
    personId: { type: Schema.Types.ObjectId, ref: 'Person', required: true },
    platform: { type: String, enum: PLATFORMS, required: true },
    workspaceId: { type: Schema.Types.ObjectId, ref: 'Workspace', required: true },
    conversationId: { type: String, required: true },
  },
  { _id: false },
);

/**
 * A cross-platform DM between two people: which platform conversation each side sees. `key` is the
 * two person ids sorted and joined, so one pair has exactly one conversation. `sequence` orders
 * relayed messages within it.
 */
const conversationSchema = new Schema(
  {
    organizationId: { type: Schema.Types.ObjectId, ref: 'Organization', required: true },
    key: { type: String, required: true },
    endpoints: { type: [endpointSchema], default: [] },
    sequence: { type: Number, default: 0 },
  },
  { timestamps: true },
);
conversationSchema.plugin(organizationScoped);
conversationSchema.index({ organizationId: 1, key: 1 }, { unique: true });

export type Conversation = InferSchemaType<typeof conversationSchema>;
export const ConversationModel = model('Conversation', conversationSchema);
