import { Schema, model, type InferSchemaType } from 'mongoose';
import { organizationScoped } from '../db/org-scope.js';

/**
 * A person's own named group of contacts. Its members are `ContactGroupMember` records, one per
 * person, so concurrent edits never rewrite a shared list.
 */
const contactGroupSchema = new Schema(
  {
    organizationId: { type: Schema.Types.ObjectId, ref: 'Organization', required: true },
    ownerPersonId: { type: Schema.Types.ObjectId, ref: 'Person', required: true },
    name: { type: String, required: true },
  },
  { timestamps: true },
);
contactGroupSchema.plugin(organizationScoped);
contactGroupSchema.index({ organizationId: 1, ownerPersonId: 1, name: 1 }, { unique: true });

/**
 * One person in one contact group, by stable person id (never by email text). Added by an insert
 * under the unique (group, person) key, so of two concurrent adds exactly one adds; removed by id
 * after a `ContactGroupRemoval` claim, so of two concurrent removals exactly one removes. The
 * embedded database does not make conditional updates atomic, but it does enforce unique indexes.
 */
const contactGroupMemberSchema = new Schema(
  {
    organizationId: { type: Schema.Types.ObjectId, ref: 'Organization', required: true },
    contactGroupId: { type: Schema.Types.ObjectId, ref: 'ContactGroup', required: true },
    personId: { type: Schema.Types.ObjectId, ref: 'Person', required: true },
  },
  { versionKey: false },
);
contactGroupMemberSchema.plugin(organizationScoped);
contactGroupMemberSchema.index({ organizationId: 1, contactGroupId: 1, personId: 1 }, { unique: true });

/** A claim on removing one member record; kept a while as a tombstone so a late second removal loses. */
const contactGroupRemovalSchema = new Schema(
  {
    organizationId: { type: Schema.Types.ObjectId, ref: 'Organization', required: true },
    memberRecordId: { type: Schema.Types.ObjectId, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
contactGroupRemovalSchema.plugin(organizationScoped);
contactGroupRemovalSchema.index({ organizationId: 1, memberRecordId: 1 }, { unique: true });

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
 * resolved at each run; what a run delivered lives in its `ContactSyncRun` record.
 */
const contactSyncSchema = new Schema(
  {
    organizationId: { type: Schema.Types.ObjectId, ref: 'Organization', required: true },
    name: { type: String, required: true },
    sourcePersonId: { type: Schema.Types.ObjectId, ref: 'Person', required: true },
    contactGroupId: { type: Schema.Types.ObjectId, ref: 'ContactGroup', required: true },
    destinations: { type: [destinationSchema], default: [] },
    createdByPersonId: { type: Schema.Types.ObjectId, ref: 'Person' },
  },
  { timestamps: true },
);
contactSyncSchema.plugin(organizationScoped);
contactSyncSchema.index({ organizationId: 1, name: 1 }, { unique: true });
contactSyncSchema.index({ organizationId: 1, sourcePersonId: 1 });

/**
 * One run of a contact sync, inserted once and never updated. Its `_id` is taken before the run
 * reads anything, so of two concurrent runs the one that read later wins. A delivered run
 * (`succeeded`/`partial`) carries, once, the destination people it resolved and the source group's
 * members it read: the newest delivered run is what destinations see, and a person's synced
 * contacts are found through the runs whose destination list holds them. Older runs are deleted
 * by id once a newer one is stored, so storage grows with sources + destinations, never with
 * their product.
 */
const contactSyncRunSchema = new Schema(
  {
    organizationId: { type: Schema.Types.ObjectId, ref: 'Organization', required: true },
    contactSyncId: { type: Schema.Types.ObjectId, ref: 'ContactSync', required: true },
    at: { type: Date, required: true },
    status: { type: String, enum: ['succeeded', 'partial', 'failed'], required: true },
    destinations: Number,
    contacts: Number,
    joined: Number,
    left: Number,
    error: String,
    resolvedPersonIds: { type: [Schema.Types.ObjectId], default: undefined },
    contactPersonIds: { type: [Schema.Types.ObjectId], default: undefined },
  },
  { versionKey: false },
);
contactSyncRunSchema.plugin(organizationScoped);
contactSyncRunSchema.index({ organizationId: 1, contactSyncId: 1 });
contactSyncRunSchema.index({ organizationId: 1, resolvedPersonIds: 1 });

export type ContactGroup = InferSchemaType<typeof contactGroupSchema>;
export type ContactSync = InferSchemaType<typeof contactSyncSchema>;
export type ContactSyncRun = InferSchemaType<typeof contactSyncRunSchema>;
export const ContactGroupModel = model('ContactGroup', contactGroupSchema);
export const ContactGroupMemberModel = model('ContactGroupMember', contactGroupMemberSchema);
export const ContactGroupRemovalModel = model('ContactGroupRemoval', contactGroupRemovalSchema);
export const ContactSyncModel = model('ContactSync', contactSyncSchema);
export const ContactSyncRunModel = model('ContactSyncRun', contactSyncRunSchema);
