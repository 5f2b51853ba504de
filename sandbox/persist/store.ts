/**
 * Where the sandbox keeps its simulated platforms between runs: one JSON file in the data folder
 * (`data/sandbox/simulators.json` for `npm start`), rewritten shortly after each burst of
 * simulator activity and once more at shutdown, always through a temporary file and a rename so
 * a crash never leaves half a file.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { SlackSnapshot } from '../simulators/slack/persist.js';
import type { TeamsSnapshot } from '../simulators/teams/persist.js';
import type { WebexSnapshot } from '../simulators/webex/persist.js';
import type { ZoomSnapshot } from '../simulators/zoom/persist.js';
import { decodeState, encodeState } from './codec.js';

/** Bumped when the saved shape changes incompatibly; an older file is set aside, not misread. */
const FORMAT = 1;
const SAVE_AFTER_MS = 300;

/** Everything saved of the simulated platforms. */
export interface SavedSandbox {
  format: number;
  savedAt: string;
  slack?: SlackSnapshot;
  teams?: TeamsSnapshot;
  webex?: WebexSnapshot;
  zoom?: ZoomSnapshot;
}

/** The sandbox state folder inside a data folder. */
export function sandboxStateDir(dataDir: string): string {
  return path.join(dataDir, 'sandbox');
}

/** Reads, and later writes, the saved simulators of one data folder. */
export class SandboxStore {
  readonly file: string;
  private timer?: NodeJS.Timeout;
  private capture?: () => Omit<SavedSandbox, 'format' | 'savedAt'>;

  constructor(readonly dir: string) {
    this.file = path.join(dir, 'simulators.json');
  }

  /**
   * The saved state, or undefined on a first start. A file that cannot be read is renamed aside
   * (so nothing is lost) and `onUnreadable` says why; the sandbox then starts afresh.
   */
  load(onUnreadable: (reason: string, movedTo: string) => void): SavedSandbox | undefined {
    if (!existsSync(this.file)) return undefined;
    try {
      const saved = decodeState<SavedSandbox>(readFileSync(this.file, 'utf8'));
      if (saved.format !== FORMAT) throw new Error(`saved by another version (format ${saved.format}, expected ${FORMAT})`);
      return saved;
    } catch (err) {
      const aside = `${this.file}.unreadable-${Date.now()}`;
      renameSync(this.file, aside);
      onUnreadable((err as Error).message, aside);
      return undefined;
    }
  }

  /** Starts saving what `capture` returns, on `touch()` (debounced) and on `flush()`. */
  track(capture: () => Omit<SavedSandbox, 'format' | 'savedAt'>): void {
    this.capture = capture;
  }

  /** Something changed: save soon. */
  touch(): void {
    if (!this.capture || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, SAVE_AFTER_MS);
    this.timer.unref();
  }

  /** Saves now. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.capture) return;
    mkdirSync(this.dir, { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, encodeState({ format: FORMAT, savedAt: new Date().toISOString(), ...this.capture() }));
    renameSync(tmp, this.file);
  }

  /** Stops saving (the last `flush()` stays on disk). */
  stop(): void {
    this.flush();
    this.capture = undefined;
  }

  /** Deletes the saved state (the next start begins afresh). */
  clear(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
