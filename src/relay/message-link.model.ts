import { Schema, model, type InferSchemaType, type HydratedDocument } from 'mongoose';
import { PLATFORMS } from '../chat-adapter.js';
import { organizationScoped } from '../db/org-scope.js';

/** What a link carries to the other side: the message itself, or an edit, delete or reaction of it. */
export const RELAY_OPS = ['post', 'edit', 'delete', 'react'] as const;
export type RelayOp = (typeof RELAY_OPS)[number];

/** Where the relayed operation happened; `userId`/`personId` are who acted. */
const sourceSchema = new Schema(
  {
    platform: { type: String, enum: PLATFORMS, required: true },
    workspaceId: { type: Schema.Types.ObjectId, ref: 'Workspace', required: true },
    conversationId: { type: String, required: true },
    messageId: { type: String, required: true },
    userId: String,
    personId: { type: Schema.Types.ObjectId, ref: 'Person' },
  },
  { _id: false },
);

/**
 * The relay's outbox: one record per relayed operation (a message, or an edit, delete or reaction
 * of one), appended once, before the platform is answered, and never updated. It carries the
 * conversation's `sequence` (delivery order) and the source message's unique key, which makes a
 * platform's retry or duplicate delivery of the same event a no-op. What happened to it is its
 * delivery receipt (relay-receipt.model.ts, same `_id`): where the copy landed, or why it failed.
 */
const messageLinkSchema = new Schema(
  {
    organizationId: { type: Schema.Types.ObjectId, ref: 'Organization', required: true },
    conversationId: { type: Schema.Types.ObjectId, ref: 'Conversation', required: true },
    sequence: { type: Number, required: true },
    op: { type: String, enum: RELAY_OPS, default: 'post' },
    /** Distinguishes several operations on one source message (each edit, each reaction). */
    opKey: { type: String, default: 'post' },
    /** The platform event that caused it (`platform:eventId`), for tracing. */
    eventId: String,
    source: { type: sourceSchema, required: true },
    /** Who receives it, on which workspace. */
    target: {
      personId: { type: Schema.Types.ObjectId, ref: 'Person' },
      workspaceId: { type: Schema.Types.ObjectId, ref: 'Workspace' },
      userId: String,
    },
    /** Neutral text (post, edit), emoji (react). */
    text: String,
    files: { type: [{ name: String, url: String, size: Number, _id: false }], default: undefined },
    emoji: String,
    added: Boolean,
    /** For edit/delete/react: the post link it applies to; for a thread reply: the thread root's post link. */
    parentLinkId: { type: Schema.Types.ObjectId, ref: 'MessageLink' },
    /** The copy is a thread reply to the parent's counterpart. */
    threaded: Boolean,
    createdAt: Date,
  },
  { versionKey: false },
);
messageLinkSchema.plugin(organizationScoped);
messageLinkSchema.index(
  { organizationId: 1, 'source.workspaceId': 1, 'source.messageId': 1, opKey: 1 },
  { unique: true },
);
messageLinkSchema.index({ organizationId: 1, conversationId: 1, sequence: 1 }, { unique: true });

export type MessageLink = InferSchemaType<typeof messageLinkSchema>;
export type MessageLinkDoc = HydratedDocument<MessageLink>;
export const MessageLinkModel = model('MessageLink', messageLinkSchema);
