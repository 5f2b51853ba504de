import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Service } from '../src/service.js';
import { startTestService } from './helpers/service.js';

describe('the HTTP service', () => {
  let service: Service;
  beforeAll(async () => {
    service = await startTestService({ label: 'service' });
  });
  afterAll(async () => {
    await service?.stop();
  });

  it('answers liveness and readiness with the database and jobs up', async () => {
    const health = await fetch(`${service.url}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${service.url}/readyz`);
    expect(ready.status).toBe(200);
    // No credentials in this test's environment: sandbox mode, every platform simulated.
    expect(await ready.json()).toEqual({
      status: 'ready',
      database: 'up',
      jobs: 'up',
      platforms: { slack: 'simulated', teams: 'simulated', webex: 'simulated', zoom: 'simulated' },
    });
  });

  it('serves Prometheus metrics, including the requests it has answered', async () => {
    await fetch(`${service.url}/healthz`);
    const res = await fetch(`${service.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const body = await res.text();
    expect(body).toMatch(/^# HELP crosstalk_http_requests_total/m);
    expect(body).toMatch(/crosstalk_http_requests_total\{method="GET",route="\/healthz",status="2xx"\} \d+/);
    expect(body).toContain('crosstalk_process_resident_memory_bytes');
  });

  it('tags every answer with a request id, keeping a sane incoming one', async () => {
    const own = await fetch(`${service.url}/healthz`, { headers: { 'X-Request-Id': 'trace-123' } });
    expect(own.headers.get('x-request-id')).toBe('trace-123');
    const generated = await fetch(`${service.url}/healthz`, { headers: { 'X-Request-Id': 'bad id with spaces' } });
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers an unknown path with a JSON 404 naming it', async () => {
    const res = await fetch(`${service.url}/nope`, { method: 'POST' });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'not_found', message: 'No route for POST /nope' });
  });

  it('creates the organization new workspaces join', async () => {
    expect(service.organizationId).toBeTruthy();
  });
});

describe('graceful shutdown', () => {
  it('stops accepting, then closes the database and the jobs', async () => {
    const service = await startTestService({ label: 'shutdown' });
    expect((await fetch(`${service.url}/readyz`)).status).toBe(200);
    await service.stop();
    await expect(fetch(`${service.url}/healthz`)).rejects.toThrow();
    expect(service.db.connection.readyState).toBe(0);
    expect(service.agenda.isActiveJobProcessor()).toBe(false);
  });
});
