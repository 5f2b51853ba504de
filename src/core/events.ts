/**
 * The service's own event bus: in-process notifications between features, so rule-driven work
 * (group syncs) reacts within seconds of an import or an attribute change instead of waiting for
 * its periodic job. One bus per running service, cleared when it stops; listeners queue durable
 * jobs, and a missed notification is caught by the periodic run.
 */
import { EventEmitter } from 'node:events';
import type { Types } from 'mongoose';

/** People were imported, created or changed. */
export interface PeopleImported {
  organizationId: Types.ObjectId;
  personIds: Types.ObjectId[];
}

interface ServiceEventMap {
  /** People were imported or created (directory sync). */
  'people.imported': [PeopleImported];
  /** A person's attributes changed (an admin's edit). */
  'people.changed': [PeopleImported];
}

/** `events.on('people.imported', …)`; `emit` calls the listeners synchronously. */
export class ServiceEvents extends EventEmitter<ServiceEventMap> {}
