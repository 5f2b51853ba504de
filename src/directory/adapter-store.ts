/**
 * `AdapterStore` on MongoDB; secret values are sealed with the encryption key. Values are kept in
 * memory once read or written: adapters ask for the same state on every inbound event (Teams
 * conversation references, mention ids), and a value written again unchanged costs nothing. Writes
 * signal a directory change, so other instances drop what they remembered within about a second.
 */
import { isDeepStrictEqual } from 'node:util';
import type { AdapterStore, Platform } from '../chat-adapter.js';
import type { Cipher } from '../crypto.js';
import { ADAPTER_STATE, ANY_ORGANIZATION, directoryChanged } from './change-signal.js';
import type { DirectoryCache } from './cache.js';
import { AdapterStateModel } from './adapter-state.model.js';

/** `AdapterStore` on MongoDB, cached in memory. */
export function createAdapterStore(cipher: Cipher, directory: DirectoryCache): AdapterStore {
  const remembered = new Map<string, { value: unknown; secret: boolean }>();
  // Dropped when adapter state changes: other processes' writes are seen through the cache's stamp poll.
  directory.onChange((keys) => {
    if (keys.includes(ADAPTER_STATE) || keys.includes(ANY_ORGANIZATION)) remembered.clear();
  });
  const keyOf = (platform: Platform, workspaceId: string, key: string) => `${platform}\u0000${workspaceId}\u0000${key}`;
  return {
    async get<T>(platform: Platform, workspaceId: string, key: string): Promise<T | undefined> {
      directory.start();
      const k = keyOf(platform, workspaceId, key);
      const known = remembered.get(k);
      if (known) return known.value as T | undefined;
      const row = await AdapterStateModel.findOne({ platform, workspaceId, key }).lean();
      const value = row ? (row.secret ? cipher.decryptJson<T>(row.value as string) : (row.value as T)) : undefined;
      remembered.set(k, { value, secret: Boolean(row?.secret) });
      return value;
    },
    async set<T>(platform: Platform, workspaceId: string, key: string, value: T, options?: { secret?: boolean }) {
      const secret = options?.secret ?? false;
      const k = keyOf(platform, workspaceId, key);
      const known = remembered.get(k);
      if (known && known.secret === secret && isDeepStrictEqual(known.value, value)) return;
      await AdapterStateModel.updateOne(
        { platform, workspaceId, key },
        { $set: { value: secret ? cipher.encryptJson(value) : value, secret } },
        { upsert: true },
      );
      await directoryChanged(undefined, ADAPTER_STATE);
      remembered.set(k, { value, secret });
    },
    async delete(platform: Platform, workspaceId: string, key: string) {
      await AdapterStateModel.deleteOne({ platform, workspaceId, key });
      await directoryChanged(undefined, ADAPTER_STATE);
      remembered.delete(keyOf(platform, workspaceId, key));
    },
  };
}
