import type { ControlLedger } from './ledger/control-ledger';
import type { RobotControls } from './robot-controls';

/**
 * What one turn needs of the company's controls (docs/controls.md): the robot's settings from the controls file and
 * its ledger in the bucket, built for this invocation over the instance's kept view. Undefined on channels that
 * answer no people (the group robots' pushes and jobs).
 */
export interface TurnControls {
  robot: string;
  settings: RobotControls;
  ledger: ControlLedger;
  /** The deployed version, for `/admin status`. */
  version: string;
}

/** Admin changes reach every instance within this: a command reads a view at most this old (docs/controls.md §6). */
export const ADMIN_CHANGES_WITHIN_MS = 60_000;
