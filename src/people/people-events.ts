/**
 * In-process notifications about people, so rule-driven work (group syncs) reacts within seconds
 * of an import or an attribute change instead of waiting for its periodic job. Listeners queue
 * durable jobs; a missed notification is caught by the periodic run.
 */
import { EventEmitter } from 'node:events';
import type { Types } from 'mongoose';

/** People were imported or created. */
export interface PeopleImported {
  organizationId: Types.ObjectId;
  personIds: Types.ObjectId[];
}

interface PeopleEventMap {
  imported: [PeopleImported];
  changed: [PeopleImported];
}

/** The emitter; `on('imported', …)` / `on('changed', …)`. */
export const peopleEvents = new EventEmitter<PeopleEventMap>();
peopleEvents.setMaxListeners(50);
