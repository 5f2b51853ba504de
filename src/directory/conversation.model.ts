import { Schema, model, type InferSchemaType, type HydratedDocument } from 'mongoose';
import { PLATFORMS } from '../chat-adapter.js';
import { directoryChanges } from './change-signal.js';
import { organizationScoped } from '../db/org-scope.js';

/** A platform DM between the two people that carries this conversation (user sync), per side. */
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
 * relayed messages within it; a lease (src/relay/lease.ts) lets exactly one service instance
 * deliver its pending messages at a time, which keeps their order across instances.
 */
const conversationSchema = new Schema(
  {
    organizationId: { type: Schema.Types.ObjectId, ref: 'Organization', required: true },
    key: { type: String, required: true },
    personIds: { type: [Schema.Types.ObjectId], ref: 'Person', default: [] },
    endpoints: { type: [endpointSchema], default: [] },
    sequence: { type: Number, default: 0 },
  },
  { timestamps: true },
);
conversationSchema.plugin(organizationScoped);
conversationSchema.plugin(directoryChanges);
conversationSchema.index({ organizationId: 1, key: 1 }, { unique: true });
conversationSchema.index({ organizationId: 1, 'endpoints.workspaceId': 1, 'endpoints.conversationId': 1 });

export type Conversation = InferSchemaType<typeof conversationSchema>;
export type ConversationDoc = HydratedDocument<Conversation>;
export const ConversationModel = model('Conversation', conversationSchema);
