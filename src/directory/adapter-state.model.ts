import { Schema, model, type InferSchemaType } from 'mongoose';
import { PLATFORMS } from '../chat-adapter.js';

/**
 * Durable adapter state keyed by platform workspace id (Slack installations, Teams conversation
 * references). Secret values are sealed (see src/crypto.ts); `secret` says which.
 */
const adapterStateSchema = new Schema(
  {
    platform: { type: String, enum: PLATFORMS, required: true },
    workspaceId: { type: String, required: true },
    key: { type: String, required: true },
    value: { type: Schema.Types.Mixed },
    secret: { type: Boolean, default: false },
  },
  { timestamps: true },
);
adapterStateSchema.index({ platform: 1, workspaceId: 1, key: 1 }, { unique: true });

export type AdapterState = InferSchemaType<typeof adapterStateSchema>;
export const AdapterStateModel = model('AdapterState', adapterStateSchema);
