import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MongoClient, ObjectId } from 'mongodb';
import { startEmbeddedDb } from '../../src/db/embedded.js';
const dir = mkdtempSync(path.join(os.tmpdir(), 'ferret-cas-'));
const db = await startEmbeddedDb({ dataDir: dir });
const c1 = await MongoClient.connect(db.uri); const c2 = await MongoClient.connect(db.uri);
const a = c1.db('p').collection('leases'); const b = c2.db('p').collection('leases');
let multi = 0;
for (let round = 0; round < 30; round++) {
  const id = new ObjectId();
  await a.insertOne({ _id: id, org: 1, owner: null });
  const res = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).updateOne({ org: 1, _id: id, owner: null }, { $set: { owner: i } })));
  const wins = res.filter((r) => r.modifiedCount === 1).length;
  if (wins > 1) multi++;
}
console.log('conditional update (org+_id): rounds with more than one winner', multi, 'of 30');
multi = 0;
for (let round = 0; round < 30; round++) {
  const id = new ObjectId();
  await a.insertOne({ _id: id, owner: null });
  const res = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).updateOne({ _id: id, owner: null }, { $set: { owner: i } })));
  if (res.filter((r) => r.modifiedCount === 1).length > 1) multi++;
}
console.log('conditional update (_id only): rounds with more than one winner', multi, 'of 30');
multi = 0;
for (let round = 0; round < 30; round++) {
  const id = new ObjectId();
  const res = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).insertOne({ _id: id, owner: i })));
  if (res.filter((r) => r.status === 'fulfilled').length > 1) multi++;
}
console.log('insert same _id: rounds with more than one winner', multi, 'of 30');
await c1.close(); await c2.close(); await db.stop();
