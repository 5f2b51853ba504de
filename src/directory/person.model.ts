import { Schema, model, type InferSchemaType, type HydratedDocument } from 'mongoose';
import { directoryChanges } from './change-signal.js';
import { organizationScoped } from '../db/org-scope.js';

/** Sync state of a person as a whole. */
export const PERSON_SYNC_STATES = ['off', 'pending', 'on'] as const;

/** One human, matched across platforms by normalized email. */
const personSchema = new Schema(
  {
    organizationId: { type: Schema.Types.ObjectId, ref: 'Organization', required: true },
    /** Lower-cased, trimmed. */
    email: { type: String, required: true },
    name: { type: String, required: true },
    buildings: { type: [String], default: [] },
    department: String,
    memberType: { type: String, enum: ['staff', 'student', 'unknown'], default: 'unknown' },
    primaryWorkspaceId: { type: Schema.Types.ObjectId, ref: 'Workspace' },
    /** Who chose the primary: automatic (only one platform), an admin, or the person in Sync now. */
    primarySource: { type: String, enum: ['auto', 'admin', 'self'] },
    syncState: { type: String, enum: PERSON_SYNC_STATES, default: 'off' },
    /** Granted with `admin add`; CROSSTALK_ADMINS are admins without this flag. */
    isAdmin: { type: Boolean, default: false },
    lastPromptedAt: Date,
    lastAutoPromptedAt: Date,
  },
  { timestamps: true },
);
personSchema.plugin(organizationScoped);
personSchema.plugin(directoryChanges);
personSchema.index({ organizationId: 1, email: 1 }, { unique: true });
personSchema.index({ organizationId: 1, syncState: 1 });
personSchema.index({ organizationId: 1, buildings: 1 });

export type Person = InferSchemaType<typeof personSchema>;
export type PersonDoc = HydratedDocument<Person>;
export const PersonModel = model('Person', personSchema);
