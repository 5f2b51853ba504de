/** Prometheus metrics (prom-client), served at GET /metrics. */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'crosstalk_' });

export const httpRequestsTotal = new Counter({
  name: 'crosstalk_http_requests_total',
  help: 'HTTP requests answered, by route and status class',
  labelNames: ['method', 'route', 'status'] as const,
  registers: [registry],
});

export const httpRequestDuration = new Histogram({
  name: 'crosstalk_http_request_duration_seconds',
  help: 'HTTP request duration',
  labelNames: ['method', 'route'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 3],
  registers: [registry],
});

export const inboundEventsTotal = new Counter({
  name: 'crosstalk_inbound_events_total',
  help: 'Verified inbound platform events, by outcome (processed, duplicate, ignored, failed)',
  labelNames: ['platform', 'kind', 'result'] as const,
  registers: [registry],
});
