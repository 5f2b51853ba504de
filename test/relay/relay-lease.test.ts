/**
 * Delivery leases hold on the embedded FerretDB, whose conditional updates are not atomic: of
 * many instances claiming one conversation at once exactly one wins, also when they take over a
 * lease whose holder died.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Types } from 'mongoose';
import { claimLease, releaseLease, renewLease, RelayLeaseModel } from '../../src/relay/lease.model.js';
import type { Service } from '../../src/service.js';
import { startTestService } from '../helpers/service.js';

let service: Service;

beforeAll(async () => {
  service = await startTestService({ label: 'relay-lease', jobs: () => [] });
}, 60_000);

afterAll(async () => {
  await service?.stop();
});

const owners = Array.from({ length: 10 }, (_, i) => `instance-${i}`);

describe('relay delivery leases', () => {
  it('of ten instances claiming a free conversation at once, exactly one holds it, until it gives it back', async () => {
    for (let round = 0; round < 10; round++) {
      const conversation = new Types.ObjectId();
      const won = await Promise.all(owners.map((o) => claimLease(conversation, o, 10_000)));
      expect(won.filter(Boolean)).toHaveLength(1);
      const holder = owners[won.findIndex(Boolean)];
      expect(await claimLease(conversation, owners.find((o) => o !== holder)!, 10_000)).toBeUndefined();
      await releaseLease(conversation, holder);
      expect(await claimLease(conversation, 'late-comer', 10_000)).toBeDefined();
    }
  });

  it('a lease whose holder died is taken over by exactly one instance once it expires', async () => {
    for (let round = 0; round < 10; round++) {
      const conversation = new Types.ObjectId();
      expect(await claimLease(conversation, 'dead', 400)).toBeDefined();
      expect(await claimLease(conversation, 'early', 10_000)).toBeUndefined();
      await new Promise((r) => setTimeout(r, 450));
      const won = await Promise.all(owners.map((o) => claimLease(conversation, o, 10_000)));
      expect(won.filter(Boolean)).toHaveLength(1);
      expect(await renewLease(conversation, 'dead', 10_000)).toBe(false);
    }
    expect(await RelayLeaseModel.countDocuments({ _id: { $regex: '^takeover:' } })).toBe(0);
  });
});
