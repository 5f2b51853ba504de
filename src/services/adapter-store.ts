import type { AdapterStore, Platform } from '../chat-adapter.js';
import type { Cipher } from '../crypto.js';
import { AdapterStateModel } from '../models/index.js';

/** `AdapterStore` on MongoDB; secret values are sealed with the encryption key. */
export function createAdapterStore(cipher: Cipher): AdapterStore {
  return {
    async get<T>(platform: Platform, workspaceId: string, key: string): Promise<T | undefined> {
      const row = await AdapterStateModel.findOne({ platform, workspaceId, key }).lean();
      if (!row) return undefined;
      return row.secret ? cipher.decryptJson<T>(row.value as string) : (row.value as T);
    },
    async set<T>(platform: Platform, workspaceId: string, key: string, value: T, options?: { secret?: boolean }) {
      const secret = options?.secret ?? false;
      await AdapterStateModel.updateOne(
        { platform, workspaceId, key },
        { $set: { value: secret ? cipher.encryptJson(value) : value, secret } },
        { upsert: true },
      );
    },
    async delete(platform: Platform, workspaceId: string, key: string) {
      await AdapterStateModel.deleteOne({ platform, workspaceId, key });
    },
  };
}
