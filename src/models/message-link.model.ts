import { Schema, model, type InferSchemaType, type HydratedDocument } from 'mongoose';
import { PLATFORMS } from '../chat-adapter.js';
import { organizationScoped } from './org-scope.js';

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
 * One relayed operation and where it landed: the source message and its copy, so replies, edits,
 * deletes and thread replies find their way, and so a copy is never relayed again (its id is
 * looked up as a copy before relaying). It is also the relay's outbox: written (pending, with the
 * conversation's next `sequence`) before anything is sent, delivered in `sequence` order.
 */
const messageLinkSchema = new Schema(
  {
    organizationId: { type: Schema.Types.ObjectId, ref: 'Organization', required: true },
    conversationId: { type: Schema.Types.ObjectId, ref: 'Conversation', required: true },
    sequence: { type: Number, required: true },
    op: { type: String, enum: RELAY_OPS, default: 'post' },
    /** Distinguishes several operations on one source message (each edit, each reaction). */
    opKey: { type: String, default: 'post' },
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
    copy: {
      platform: { type: String, enum: PLATFORMS },
      workspaceId: { type: Schema.Types.ObjectId, ref: 'Workspace' },
      conversationId: String,
      messageId: String,
      /** Who posted the copy: the sender's own account (user) or the bot. */
      as: { type: String, enum: ['user', 'bot'] },
      /** With `as: user`, the platform account whose token posted it. */
      accountId: { type: Schema.Types.ObjectId, ref: 'PlatformAccount' },
    },
    status: { type: String, enum: ['pending', 'delivered', 'failed'], default: 'pending' },
    attempts: { type: Number, default: 0 },
    nextAttemptAt: Date,
    lastError: String,
    deliveredAt: Date,
  },
  { timestamps: true },
);
messageLinkSchema.plugin(organizationScoped);
messageLinkSchema.index(
  { organizationId: 1, 'source.workspaceId': 1, 'source.messageId': 1, opKey: 1 },
  { unique: true },
);
messageLinkSchema.index({ organizationId: 1, 'copy.workspaceId': 1, 'copy.messageId': 1 });
messageLinkSchema.index({ organizationId: 1, conversationId: 1, sequence: 1 }, { unique: true });
messageLinkSchema.index({ status: 1, nextAttemptAt: 1 });
messageLinkSchema.index({ organizationId: 1, 'target.personId': 1, 'copy.workspaceId': 1, deliveredAt: -1 });

export type MessageLink = InferSchemaType<typeof messageLinkSchema>;
export type MessageLinkDoc = HydratedDocument<MessageLink>;
export const MessageLinkModel = model('MessageLink', messageLinkSchema);
