import type { Types } from 'mongoose';
import { EventModel, type EventRecord } from './event.model.js';

/** One entry for the event log. */
export interface EventInput {
  type: string;
  outcome: EventRecord['outcome'];
  message: string;
  actorPersonId?: Types.ObjectId;
  subject?: string;
  data?: Record<string, unknown>;
}

/** Writes and reads the per-organization event log. */
export const eventLog = {
  async record(organizationId: Types.ObjectId, input: EventInput): Promise<void> {
    await EventModel.create({ organizationId, ...input, at: new Date() });
  },
  async list(organizationId: Types.ObjectId, options: { type?: string; limit?: number } = {}) {
    const filter: Record<string, unknown> = { organizationId };
    if (options.type) filter.type = options.type;
    return EventModel.find(filter)
      .sort({ at: -1 })
      .limit(Math.min(Math.max(options.limit ?? 20, 1), 200))
      .lean();
  },
};
