import type { ControlLedger } from './ledger/control-ledger';

/**
 * What one turn needs of the company's controls besides the robot's settings (TurnDependencies.robot): its ledger in
 * the bucket, built for this invocation over the instance's kept view (docs/controls.md §1). Undefined on channels
 * that answer no people (the group robots' pushes and jobs): nothing is then checked or counted.
 */
export interface TurnControls {
  ledger: ControlLedger;
  /** The deployed version, for `/admin status`. */
  version: string;
}

/** Admin changes reach every instance within this: a command reads a view at most this old (docs/controls.md §6). */
export const ADMIN_CHANGES_WITHIN_MS = 60_000;
