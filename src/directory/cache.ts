/**
 * The in-memory directory the relay's hot path reads instead of the database: workspaces (with
 * their decrypted credentials), platform accounts, people and conversations. Each entry is filled
 * on first use and dropped whenever the directory changes: at once for this process's own writes,
 * and within about a second for other processes' writes, through the per-organization stamps of
 * the change signal (src/directory/change-signal.ts) read by one small query a second.
 *
 * A load that started before a change never lands in the cache after it (the generation check),
 * so a reader never keeps a value older than the last change it was told about.
 */
import type { Types } from 'mongoose';
import type { Platform, WorkspaceRef } from '../chat-adapter.js';
import type { Cipher } from '../crypto.js';
import { ConversationModel } from './conversation.model.js';
import { PersonModel } from './person.model.js';
import { PlatformAccountModel } from './platform-account.model.js';
import { WorkspaceModel } from './workspace.model.js';
import type { Conversation } from './conversation.model.js';
import { DirectoryVersionModel } from './directory-version.model.js';
import type { PersonDoc } from './person.model.js';
import type { PlatformAccountDoc } from './platform-account.model.js';
import type { WorkspaceDoc } from './workspace.model.js';
import { ADAPTER_STATE, onLocalDirectoryChange } from './change-signal.js';

/** How often other processes' changes are looked for. */
export const DIRECTORY_POLL_MS = 1000;

/** A conversation as the relay reads it. */
export type CachedConversation = Conversation & { _id: Types.ObjectId };

type Loaded<T> = { value: T };

/** The directory cache of one service instance. */
export class DirectoryCache {
  private generation = 0;
  private workspaces?: Promise<{ byId: Map<string, WorkspaceDoc>; byExternal: Map<string, WorkspaceDoc> }>;
  private readonly refs = new Map<string, WorkspaceRef>();
  private readonly entries = new Map<string, Loaded<unknown>>();
  private readonly loading = new Map<string, Promise<unknown>>();
  private stamps?: Map<string, string>;
  private timer?: NodeJS.Timeout;
  private readonly unsubscribe: () => void;
  /** Database reads made to fill the cache (for the benchmark's notes). */
  misses = 0;
  /** Times the cache was dropped, by the change key that caused it (for the benchmark's notes). */
  readonly clears: Record<string, number> = {};

  constructor(private readonly cipher: Cipher) {
    this.unsubscribe = onLocalDirectoryChange((key) => this.changed([key]));
  }

  /** Starts looking for other processes' changes (idempotent). */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.poll().catch(() => {}), DIRECTORY_POLL_MS);
    this.timer.unref();
    void this.poll().catch(() => {});
  }

  /** Stops polling and forgets everything. */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.unsubscribe();
    this.clear();
  }

  private readonly changeListeners = new Set<(keys: string[]) => void>();

  /** Runs `listener` with the changed stamp keys whenever a change is signalled (caches built on the same signal). */
  onChange(listener: (keys: string[]) => void): void {
    this.changeListeners.add(listener);
  }

  private changed(keys: string[]): void {
    for (const listener of this.changeListeners) listener(keys);
    if (!keys.some((k) => k !== ADAPTER_STATE)) return;
    for (const k of keys) this.clears[k] = (this.clears[k] ?? 0) + 1;
    this.clear();
  }

  /** Drops every entry. */
  clear(): void {
    this.generation++;
    this.workspaces = undefined;
    this.refs.clear();
    this.entries.clear();
    this.loading.clear();
  }

  /** Reads the change stamps; clears the cache when any moved since the last read. */
  async poll(): Promise<void> {
    const rows = await DirectoryVersionModel.find({}, { stamp: 1 }).lean();
    const next = new Map(rows.map((r) => [String(r._id), r.stamp]));
    const before = this.stamps;
    this.stamps = next;
    if (!before) return;
    const moved = [...next].filter(([k, v]) => before.get(k) !== v).map(([k]) => k);
    if (moved.length > 0) this.changed(moved);
  }

  private async cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    this.start();
    const hit = this.entries.get(key);
    if (hit) return hit.value as T;
    const pending = this.loading.get(key);
    if (pending) return pending as Promise<T>;
    const generation = this.generation;
    this.misses++;
    const promise = load().then(
      (value) => {
        if (this.generation === generation) {
          this.entries.set(key, { value });
          this.loading.delete(key);
        }
        return value;
      },
      (err: unknown) => {
        if (this.generation === generation) this.loading.delete(key);
        throw err;
      },
    );
    this.loading.set(key, promise);
    return promise;
  }

  /** Puts a value this process just wrote (or read fresh) into the cache. */
  remember(key: string, value: unknown): void {
    this.entries.set(key, { value });
  }

  private allWorkspaces() {
    this.start();
    if (!this.workspaces) {
      const generation = this.generation;
      this.misses++;
      const loading = WorkspaceModel.find({})
        .setOptions({ crossOrganization: true })
        .then((all) => ({
          byId: new Map(all.map((w) => [String(w._id), w])),
          byExternal: new Map(all.map((w) => [`${w.platform}:${w.externalId}`, w])),
        }));
      loading.catch(() => {
        if (this.generation === generation) this.workspaces = undefined;
      });
      this.workspaces = loading;
    }
    return this.workspaces;
  }

  /** The workspace an inbound event came from, by platform and platform id. */
  async workspaceByExternal(platform: Platform, externalId: string): Promise<WorkspaceDoc | undefined> {
    const found = (await this.allWorkspaces()).byExternal.get(`${platform}:${externalId}`);
    if (found) return found;
    // A workspace connected a moment ago: one fresh read, then the cache is rebuilt.
    const fresh = await WorkspaceModel.findOne({ platform, externalId }).setOptions({ crossOrganization: true });
    if (fresh) this.workspaces = undefined;
    return fresh ?? undefined;
  }

  /** A workspace by id, scoped to its organization. */
  async workspace(organizationId: Types.ObjectId, id: Types.ObjectId | string): Promise<WorkspaceDoc | undefined> {
    const found = (await this.allWorkspaces()).byId.get(String(id));
    if (found && String(found.organizationId) === String(organizationId)) return found;
    if (found) return undefined;
    const fresh = await WorkspaceModel.findOne({ organizationId, _id: id });
    if (fresh) this.workspaces = undefined;
    return fresh ?? undefined;
  }

  /** A workspace as its adapter needs it (credentials decrypted once). */
  workspaceRef(workspace: Pick<WorkspaceDoc, '_id' | 'externalId' | 'credentials'>): WorkspaceRef {
    const key = String(workspace._id);
    let ref = this.refs.get(key);
    if (!ref) {
      ref = {
        externalId: workspace.externalId,
        credentials: workspace.credentials ? this.cipher.decryptJson<Record<string, string>>(workspace.credentials) : {},
      };
      this.refs.set(key, ref);
    }
    return ref;
  }

  /** The account behind a platform user id on a workspace. */
  account(workspace: Pick<WorkspaceDoc, '_id' | 'organizationId'>, externalUserId: string): Promise<PlatformAccountDoc | null> {
    return this.cached(`acct:${workspace._id}:${externalUserId}`, () =>
      PlatformAccountModel.findOne({ organizationId: workspace.organizationId, workspaceId: workspace._id, externalUserId }),
    );
  }

  /** A person's active account on a workspace. */
  accountOf(organizationId: Types.ObjectId, personId: Types.ObjectId, workspaceId: Types.ObjectId): Promise<PlatformAccountDoc | null> {
    return this.cached(`acctOf:${personId}:${workspaceId}`, () =>
      PlatformAccountModel.findOne({ organizationId, personId, workspaceId, deactivated: false }),
    );
  }

  /** A person's account on a workspace, deactivated or not (for their avatar). */
  anyAccountOf(organizationId: Types.ObjectId, personId: Types.ObjectId, workspaceId: Types.ObjectId): Promise<PlatformAccountDoc | null> {
    return this.cached(`anyAcctOf:${personId}:${workspaceId}`, () => PlatformAccountModel.findOne({ organizationId, personId, workspaceId }));
  }

  /** A person by id. */
  person(organizationId: Types.ObjectId, id: Types.ObjectId): Promise<PersonDoc | null> {
    return this.cached(`person:${id}`, () => PersonModel.findOne({ organizationId, _id: id }));
  }

  /** Every conversation a person takes part in (their bot-chat and DM endpoints included). */
  conversationsOf(organizationId: Types.ObjectId, personId: Types.ObjectId): Promise<CachedConversation[]> {
    return this.cached(`convs:${personId}`, async () => (await ConversationModel.find({ organizationId, personIds: personId }).lean()) as CachedConversation[]);
  }

  /** The conversation of a pair of people, by its key. */
  conversation(organizationId: Types.ObjectId, key: string): Promise<CachedConversation | null> {
    return this.cached(`conv:${key}`, async () => (await ConversationModel.findOne({ organizationId, key }).lean()) as CachedConversation | null);
  }
}
