import { Schema, model, type InferSchemaType } from 'mongoose';
import { organizationScoped } from '../db/org-scope.js';

/** The audit/event log: each run's outcome, each admin action, each delivery failure. */
const eventSchema = new Schema(
  {
    organizationId: { type: Schema.Types.ObjectId, ref: 'Organization', required: true },
    type: { type: String, required: true },
    outcome: { type: String, enum: ['started', 'progress', 'succeeded', 'failed', 'info'], required: true },
    message: { type: String, required: true },
    actorPersonId: { type: Schema.Types.ObjectId, ref: 'Person' },
    subject: String,
    data: Schema.Types.Mixed,
    at: { type: Date, default: () => new Date() },
  },
  { versionKey: false },
);
eventSchema.plugin(organizationScoped);
eventSchema.index({ organizationId: 1, at: -1 });
eventSchema.index({ organizationId: 1, type: 1, at: -1 });

export type EventRecord = InferSchemaType<typeof eventSchema>;
export const EventModel = model('Event', eventSchema);
