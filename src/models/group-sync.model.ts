import { Schema, model, type InferSchemaType } from 'mongoose';
import { organizationScoped } from './org-scope.js';

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

/** Whom a group sync added, when and with which role: what `group undo` removes. */
const groupSyncMemberSchema = new Schema(
  {
    organizationId: { type: Schema.Types.ObjectId, ref: 'Organization', required: true },
    groupSyncId: { type: Schema.Types.ObjectId, ref: 'GroupSync', required: true },
    personId: { type: Schema.Types.ObjectId, ref: 'Person', required: true },
    accountId: { type: Schema.Types.ObjectId, ref: 'PlatformAccount' },
    role: { type: String, enum: ['member', 'manager'], required: true },
    status: { type: String, enum: ['added', 'already_member', 'failed', 'removed'], required: true },
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

export type GroupSync = InferSchemaType<typeof groupSyncSchema>;
export type GroupSyncMember = InferSchemaType<typeof groupSyncMemberSchema>;
export const GroupSyncModel = model('GroupSync', groupSyncSchema);
export const GroupSyncMemberModel = model('GroupSyncMember', groupSyncMemberSchema);
