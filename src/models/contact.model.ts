import { Schema, model, type InferSchemaType } from 'mongoose';
import { organizationScoped } from './org-scope.js';

/** A person's own named group of contacts, by stable person id (never by email text). */
const contactGroupSchema = new Schema(
  {
    organizationId: { type: Schema.Types.ObjectId, ref: 'Organization', required: true },
    ownerPersonId: { type: Schema.Types.ObjectId, ref: 'Person', required: true },
    name: { type: String, required: true },
    memberPersonIds: { type: [Schema.Types.ObjectId], ref: 'Person', default: [] },
  },
  { timestamps: true },
);
contactGroupSchema.plugin(organizationScoped);
contactGroupSchema.index({ organizationId: 1, ownerPersonId: 1, name: 1 }, { unique: true });

const destinationSchema = new Schema(
  {
    kind: { type: String, enum: ['person', 'group', 'ou', 'domain'], required: true },
    /** Person id, `<workspace id>:<channel id>`, building/department name, or email domain. */
    ref: { type: String, required: true },
  },
  { _id: false },
);

/**
 * Pushes one source person's contact group to destinations. Destinations are stored once and
 * resolved at each run, so storage grows with sources + destinations, not their product.
 */
const contactSyncSchema = new Schema(
  {
    organizationId: { type: Schema.Types.ObjectId, ref: 'Organization', required: true },
    name: { type: String, required: true },
    sourcePersonId: { type: Schema.Types.ObjectId, ref: 'Person', required: true },
    contactGroupId: { type: Schema.Types.ObjectId, ref: 'ContactGroup', required: true },
    destinations: { type: [destinationSchema], default: [] },
    /**
     * Destination people as resolved by the last run, stored once per sync: a person's synced
     * contacts are found by looking up the syncs whose list holds them.
     */
    resolvedPersonIds: { type: [Schema.Types.ObjectId], default: [] },
    /** The source group's members as of the last run (what destinations see until the next run). */
    contactPersonIds: { type: [Schema.Types.ObjectId], default: [] },
    lastRun: {
      at: Date,
      destinations: Number,
      contacts: Number,
      joined: Number,
      left: Number,
      status: String,
      error: String,
    },
    createdByPersonId: { type: Schema.Types.ObjectId, ref: 'Person' },
  },
  { timestamps: true },
);
contactSyncSchema.plugin(organizationScoped);
contactSyncSchema.index({ organizationId: 1, name: 1 }, { unique: true });
contactSyncSchema.index({ organizationId: 1, resolvedPersonIds: 1 });
contactSyncSchema.index({ organizationId: 1, sourcePersonId: 1 });

export type ContactGroup = InferSchemaType<typeof contactGroupSchema>;
export type ContactSync = InferSchemaType<typeof contactSyncSchema>;
export const ContactGroupModel = model('ContactGroup', contactGroupSchema);
export const ContactSyncModel = model('ContactSync', contactSyncSchema);
