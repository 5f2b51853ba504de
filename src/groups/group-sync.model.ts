import { Schema, model, type InferSchemaType } from 'mongoose';
import { organizationScoped } from '../db/org-scope.js';

const ruleSchema = new Schema(
  {
    type: { type: String, enum: ['organization', 'buildings'], required: true },
    buildings: { type: [String], default: [] },
    members: { type: String, enum: ['staff', 'student', 'all'], default: 'all', required: true },
    role: { type: String, enum: ['member', 'manager'], default: 'member', required: true },
  },
  { _id: false },
);

/** A rule tying a channel/space/team to the people who should be in it. */
const groupSyncSchema = new Schema(
  {
    organizationId: { type: Schema.Types.ObjectId, ref: 'Organization', required: true },
    name: { type: String, required: true },
    workspaceId: { type: Schema.Types.ObjectId, ref: 'Workspace', required: true },
    channelId: { type: String, required: true },
    rule: { type: ruleSchema, required: true },
    enabled: { type: Boolean, default: true },
    lastRun: { at: Date, added: Number, alreadyMembers: Number, failed: Number, status: String, error: String },
    /** Start of the last run that considered everyone changed before it; the periodic job looks only at later changes. */
    caughtUpAt: Date,
    createdByPersonId: { type: Schema.Types.ObjectId, ref: 'Person' },
  },
  { timestamps: true },
);
groupSyncSchema.plugin(organizationScoped);
groupSyncSchema.index({ organizationId: 1, name: 1 }, { unique: true });
groupSyncSchema.index({ organizationId: 1, enabled: 1 });

/**
 * Whom a group sync added, when and with which role: what `group undo` removes. One record per
 * sync and person holds the slot (unique index); it is written insert-first: a run inserts an
 * `adding` claim before the platform call and then sets the outcome on that record by its id
 * only. A record that must be replaced (failed, removed, or a claim left behind by a crash) is
 * deleted by its id and a new one inserted, so no write is ever conditional on another writer's
 * state — the embedded database does not make conditional updates atomic, but it does enforce
 * unique indexes.
 */
const groupSyncMemberSchema = new Schema(
  {
    organizationId: { type: Schema.Types.ObjectId, ref: 'Organization', required: true },
    groupSyncId: { type: Schema.Types.ObjectId, ref: 'GroupSync', required: true },
    personId: { type: Schema.Types.ObjectId, ref: 'Person', required: true },
    accountId: { type: Schema.Types.ObjectId, ref: 'PlatformAccount' },
    role: { type: String, enum: ['member', 'manager'], required: true },
    /** `adding`: claimed, platform call in flight (or interrupted, once older than the claim lifetime). */
    status: { type: String, enum: ['adding', 'added', 'already_member', 'failed', 'removed'], required: true },
    error: String,
    attempts: { type: Number, default: 0 },
    addedAt: Date,
    removedAt: Date,
  },
  { timestamps: true },
);
groupSyncMemberSchema.plugin(organizationScoped);
groupSyncMemberSchema.index({ organizationId: 1, groupSyncId: 1, personId: 1 }, { unique: true });
groupSyncMemberSchema.index({ organizationId: 1, groupSyncId: 1, status: 1 });
groupSyncMemberSchema.index({ organizationId: 1, personId: 1 });

/**
 * A claim on removing one added member during `group undo`, keyed by the member record: two undos
 * at once cannot both remove (or count) the same person. Deleted again when the removal fails, so
 * a later undo retries it.
 */
const groupSyncRemovalSchema = new Schema(
  {
    organizationId: { type: Schema.Types.ObjectId, ref: 'Organization', required: true },
    groupSyncId: { type: Schema.Types.ObjectId, ref: 'GroupSync', required: true },
    memberRecordId: { type: Schema.Types.ObjectId, ref: 'GroupSyncMember', required: true },
  },
  { timestamps: true },
);
groupSyncRemovalSchema.plugin(organizationScoped);
groupSyncRemovalSchema.index({ organizationId: 1, memberRecordId: 1 }, { unique: true });

export type GroupSync = InferSchemaType<typeof groupSyncSchema>;
export type GroupSyncMember = InferSchemaType<typeof groupSyncMemberSchema>;
export const GroupSyncModel = model('GroupSync', groupSyncSchema);
export const GroupSyncMemberModel = model('GroupSyncMember', groupSyncMemberSchema);
export const GroupSyncRemovalModel = model('GroupSyncRemoval', groupSyncRemovalSchema);
