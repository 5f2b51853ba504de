import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { PLATFORMS } from '../chat-adapter.js';
import { RELAY_OPS } from './message-link.model.js';

/**
 * The delivery receipt of one relayed operation: written once, after the platform accepted the
 * copy (or after the relay gave up), never updated. `_id` is the outbox record's (`MessageLink`)
 * id, so a receipt can exist only once. It repeats the few facts of its outbox record that lookups
 * by copy need (replies, reactions, never relaying a copy again), so those read receipts alone.
 */
const relayReceiptSchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    organizationId: { type: Schema.Types.ObjectId, ref: 'Organization', required: true },
    conversationId: { type: Schema.Types.ObjectId, ref: 'Conversation', required: true },
    sequence: { type: Number, required: true },
    op: { type: String, enum: RELAY_OPS, required: true },
    status: { type: String, enum: ['delivered', 'failed'], required: true },
    source: {
      workspaceId: { type: Schema.Types.ObjectId, ref: 'Workspace' },
      messageId: String,
      personId: { type: Schema.Types.ObjectId, ref: 'Person' },
    },
    target: {
      personId: { type: Schema.Types.ObjectId, ref: 'Person' },
      workspaceId: { type: Schema.Types.ObjectId, ref: 'Workspace' },
    },
    copy: {
      platform: { type: String, enum: PLATFORMS },
      workspaceId: { type: Schema.Types.ObjectId, ref: 'Workspace' },
      conversationId: String,
      messageId: String,
      as: { type: String, enum: ['user', 'bot'] },
      accountId: { type: Schema.Types.ObjectId, ref: 'PlatformAccount' },
    },
    attempts: { type: Number, default: 1 },
    lastError: String,
    at: { type: Date, required: true },
  },
  { versionKey: false, collection: 'relayreceipts' },
);
relayReceiptSchema.index({ organizationId: 1, 'copy.workspaceId': 1, 'copy.messageId': 1 });
relayReceiptSchema.index({ organizationId: 1, 'target.personId': 1, 'copy.workspaceId': 1, at: -1 });

export type RelayReceipt = InferSchemaType<typeof relayReceiptSchema> & { _id: Types.ObjectId };
/** Delivery receipts of the relay's outbox records. */
export const RelayReceiptModel = model('RelayReceipt', relayReceiptSchema);
