import { Schema, model, type InferSchemaType, type HydratedDocument } from 'mongoose';

/** A tenant: one organization running several chat platforms side by side. */
const organizationSchema = new Schema(
  {
    name: { type: String, required: true },
    /** Email domains that belong to this organization (lower-case). */
    domains: { type: [String], default: [] },
    settings: {
      autoPrompt: { type: Boolean, default: false },
      autoPromptCooldownDays: { type: Number, default: 7 },
      /** Teams and Webex primaries are bot-synced on Slack without a prompt. */
      autoSyncMode: { type: Boolean, default: false },
      promptTokenDays: { type: Number, default: 7 },
      /** Hour of day (UTC) the daily contact syncs run. */
      contactSyncHour: { type: Number, default: 2 },
    },
  },
  { timestamps: true },
);
organizationSchema.index({ domains: 1 });

export type Organization = InferSchemaType<typeof organizationSchema>;
export type OrganizationDoc = HydratedDocument<Organization>;
export const OrganizationModel = model('Organization', organizationSchema);
