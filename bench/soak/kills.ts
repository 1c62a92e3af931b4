import type { FaultKind } from './plan';

/**
 * Kills the worker instance(s) running a message, as FC's OOM killer would, and fences the message for a moment:
 * a request its dying instance had already sent is dropped, never passed on. FC's retry comes later than the fence
 * lasts (the soak's retry delay is longer).
 */
export interface KillRecord {
  msgId: string;
  kind: FaultKind;
  /** When the kill was issued, on the soak's event clock. */
  seq: number;
  /** Instances that were running the message and died; 0 when none was (the kill came too late). */
  instances: number;
}

export const FENCE_MS = 150;

export function createKills(crashRunning: (matches: (event: Buffer) => boolean) => Promise<number>, clock: () => number) {
  const log: KillRecord[] = [];
  const fenced = new Map<string, Promise<void>>();

  async function kill(msgId: string, kind: FaultKind): Promise<void> {
    const record: KillRecord = { msgId, kind, seq: clock(), instances: 0 };
    log.push(record);
    const marker = Buffer.from(`"${msgId}"`);
    const done = crashRunning((event) => event.includes(marker)).then(async (count) => {
      record.instances = count;
      await new Promise((resolve) => setTimeout(resolve, FENCE_MS));
    });
    fenced.set(msgId, done);
    try {
      await done;
    } finally {
      if (fenced.get(msgId) === done) fenced.delete(msgId);
    }
  }

  /** True when a request of this message comes from an instance being killed: wait for it, then drop the request. */
  async function fencedOff(msgId: string | undefined): Promise<boolean> {
    const fence = msgId === undefined ? undefined : fenced.get(msgId);
    if (fence === undefined) return false;
    await fence;
    return true;
  }

  /** Waits for any kill of this message still under way. */
  const settled = (msgId: string): Promise<void> => fenced.get(msgId) ?? Promise.resolve();

  return { kill, fencedOff, settled, log };
}

export type Kills = ReturnType<typeof createKills>;
