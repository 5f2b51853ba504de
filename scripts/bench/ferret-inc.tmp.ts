import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MongoClient, ObjectId } from 'mongodb';
import { startEmbeddedDb } from '../../src/db/embedded.js';
const dir = mkdtempSync(path.join(os.tmpdir(), 'ferret-inc-'));
const db = await startEmbeddedDb({ dataDir: dir });
const client = await MongoClient.connect(db.uri);
const c = client.db('p').collection('convs');
const org = new ObjectId();
await c.createIndex({ organizationId: 1, key: 1 }, { unique: true });
for (let k = 0; k < 20; k++) await c.insertOne({ organizationId: org, key: `k${k}`, sequence: 0 });
const res = await Promise.all(Array.from({ length: 200 }, (_, i) => c.findOneAndUpdate({ organizationId: org, key: `k${i % 20}` }, { $inc: { sequence: 1 } }, { upsert: true, returnDocument: 'after' })));
const seen = new Map<string, number[]>();
for (const r of res) { const l = seen.get(r!.key) ?? []; l.push(r!.sequence); seen.set(r!.key, l); }
let dups = 0;
for (const [k, l] of seen) { if (new Set(l).size !== l.length) { dups++; console.log(k, l.sort((a,b)=>a-b).join(',')); } }
console.log('keys with duplicate sequences', dups, 'final', (await c.find().toArray()).map((d) => d.sequence).join(','));
await client.close(); await db.stop();
