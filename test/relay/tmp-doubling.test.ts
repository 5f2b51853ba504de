import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSandboxService, type SandboxService } from '../helpers/sandbox-service.js';
import { RelayHarness } from './harness.js';
let sandbox: SandboxService; let h: RelayHarness;
beforeAll(async () => { sandbox = await startSandboxService({ label: 'tmp-dbl' }); h = await new RelayHarness(sandbox).init(); }, 60_000);
afterAll(async () => { await sandbox?.stop(); });
it('counts copies after a slow answer', async () => {
  const ann = await h.person('Ann', 'slack'); const bob = await h.person('Bob', 'webex');
  const webex = sandbox.sandbox.simulators.webex!;
  webex.server.inject({ method: 'POST', path: '/v1/messages', fault: { kind: 'delay', ms: 3500 } });
  const text = h.token('slow');
  await h.dmVerb(ann, bob, text);
  await h.settled();
  await new Promise((r) => setTimeout(r, 4000));
  console.log('COPIES', h.seen('webex', text).length, webex.server.callsTo('/v1/messages', 'POST').map((c) => `${c.fault ?? ''}:${c.status}`).join(' '));
  expect(true).toBe(true);
}, 60_000);
