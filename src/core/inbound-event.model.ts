import { Schema, model, type InferSchemaType } from 'mongoose';
import { PLATFORMS } from '../chat-adapter.js';

/**
 * Every verified inbound event, recorded before it is acknowledged. The unique (platform, eventId)
 * index is what makes platform retries and duplicate deliveries a no-op. Written before the
 * organization is known, so it is keyed by platform ids; reads go through the workspace.
 */
const inboundEventSchema = new Schema(
  {
    platform: { type: String, enum: PLATFORMS, required: true },
    eventId: { type: String, required: true },
    workspaceExternalId: { type: String, required: true },
    organizationId: { type: Schema.Types.ObjectId, ref: 'Organization' },
    kind: { type: String, required: true },
    event: { type: Schema.Types.Mixed, required: true },
    status: { type: String, enum: ['received', 'processed', 'failed', 'ignored'], default: 'received' },
    error: String,
  },
  { timestamps: true },
);
inboundEventSchema.index({ platform: 1, eventId: 1 }, { unique: true });
inboundEventSchema.index({ status: 1, createdAt: 1 });

export type InboundEventRecord = InferSchemaType<typeof inboundEventSchema>;
export const InboundEventModel = model('InboundEvent', inboundEventSchema);
