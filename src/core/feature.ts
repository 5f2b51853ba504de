/**
 * What a feature (people, relay, groups, contacts, admin) hands the composition root: its jobs,
 * its command verbs, its inbound handlers and its pages. `service.ts` is the only file that knows
 * every feature; nothing in `core/`, `directory/`, `commands/`, `jobs/`, `http/` or `db/` imports
 * one. A feature is built once per running service, after the core exists, so whatever state it
 * keeps (the relay's delivery engine) lives in its closure, not in a module-level registry.
 */
import type { Router } from 'express';
import type { CommandRegistry, CommandSpec } from '../commands/registry.js';
import type { JobDefinition } from '../jobs/runner.js';
import type { InboundRecorder } from './inbound-recorder.js';

/** What a feature gets when it wires its handlers and pages. */
export interface FeatureWiring {
  inbound: InboundRecorder;
  commands: CommandRegistry;
}

/** One feature's contribution to the running service. */
export interface Feature {
  /** Used in logs. */
  name: string;
  /** Job definitions (registered with Agenda before it starts). */
  jobs?: JobDefinition<any>[];
  /** Command verbs, in the order `help` lists them. */
  verbs?(commands: CommandRegistry): CommandSpec[];
  /** Registers inbound handlers; runs once, after every feature's verbs are registered. */
  wire?(wiring: FeatureWiring): void;
  /** Pages and endpoints, mounted in feature order. */
  routes?(wiring: FeatureWiring): Router;
  /** Called at shutdown, after Agenda has drained and the adapters have stopped. */
  stop?(): Promise<void>;
}
