/**
 * The composition root's explicit wiring: each event kind has at most one handler of each sort,
 * so one feature can never silently replace another's; each running service has its own event
 * bus, whose listeners leave with it.
 */
import { describe, expect, it } from 'vitest';
import { createInboundRecorder, DuplicateHandlerError } from '../src/core/inbound-recorder.js';
import { createLogger } from '../src/log.js';
import { startTestService } from './helpers/service.js';

describe('explicit wiring', () => {
  it('refuses a second handler for the same event kind, naming the kind', () => {
    const inbound = createInboundRecorder(createLogger('silent'));
    inbound.on('command', async () => ({}));
    expect(() => inbound.on('command', async () => ({}))).toThrow(DuplicateHandlerError);
    expect(() => inbound.on('command', async () => ({}))).toThrow(/'command'/);
    inbound.first('message', async () => undefined);
    expect(() => inbound.first('message', async () => undefined)).toThrow(DuplicateHandlerError);
    inbound.before('command', async () => undefined);
    expect(() => inbound.before('command', async () => undefined)).toThrow(DuplicateHandlerError);
  });

  it('gives every service its own event bus, emptied when it stops, so listeners never pile up', async () => {
    const first = await startTestService({ label: 'wiring-a' });
    // The groups feature listens for new and changed people, once per service.
    expect(first.core.events.listenerCount('people.imported')).toBe(1);
    await first.stop();
    expect(first.core.events.listenerCount('people.imported')).toBe(0);

    const second = await startTestService({ label: 'wiring-b' });
    try {
      expect(second.core.events).not.toBe(first.core.events);
      expect(second.core.events.listenerCount('people.imported')).toBe(1);
      expect(second.core.events.listenerCount('people.changed')).toBe(1);
    } finally {
      await second.stop();
    }
  });
});
