import { AppendConflictError, NotAppendableError, StorageError } from '../errors';
import type { AppendLog } from '../storage/append-log';
import type { ConversationHistory, ConversationView } from './conversation-history';
import { readState, stateRecord } from './conversation-state';
import { serializeRecord, serializeRecords, type HistoryRecord, type RotatedRecord } from './records';
import { elect } from './rotation-election';

/**
 * Moves a conversation to a fresh object when its own can take no more (rotation-need.ts says why), so no state of
 * the object can block the conversation. The old bytes are kept as a Normal object under the archive prefix (OSS
 * cannot copy an appendable object, so they are read and written), then the key is deleted and started afresh at
 * position 0 with a `rotated` line, the settings and, for a full object, the latest turns. One writer does the move:
 * the one whose `sealed` line landed (an appendable object; after the seal nobody appends there), or whose lock
 * object was created first (a Normal one). The others wait; a mover that died is taken over once its lease ends.
 * Costs six requests, once per rotation; an ordinary turn costs nothing for it.
 */
export interface RotationOptions {
  log: AppendLog;
  history: ConversationHistory;
  /** The message and delivery doing the move. */
  id: string;
  by: string;
  now: () => number;
  /** Where the old object's copy goes, by when the move began. */
  archiveKey: (key: string, at: number) => string;
  /** The largest object that is copied; HISTORY_MAX_BYTES keeps every object this version writes far below. */
  archiveMaxBytes: number;
  /** Bytes of the latest turns carried into the fresh object when the old one was full. */
  carryBytes: number;
  leaseMs: number;
  /** When to stop waiting for another writer's move. */
  giveUpAtMs: number;
}

type Step = { kind: 'moved'; view: ConversationView } | { kind: 'wait' } | { kind: 'look-again' };

/** The conversation's view, moved to a fresh object first when it needs to be. */
export async function openForAppend(key: string, options: RotationOptions): Promise<ConversationView> {
  // Bounded by tries as well as by time, so that no clock can keep a turn here.
  for (let attempt = 1; attempt <= MAX_LOOKS; attempt += 1) {
    const view = await options.history.open(key);
    if (view.rotation === undefined) return view;
    const step = await moveOnce(view, options).catch((error: unknown) => {
      if (error instanceof AppendConflictError || error instanceof NotAppendableError) return { kind: 'look-again' } as const;
      throw error;
    });
    if (step.kind === 'moved') return step.view;
    if (options.now() >= options.giveUpAtMs) break;
    if (step.kind === 'wait') await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new StorageError(`${key} is being moved to a fresh object by another writer`);
}

/** 40 looks with 250 ms between the waiting ones: 10 s at most. */
const MAX_LOOKS = 40;

async function moveOnce(view: ConversationView, options: RotationOptions): Promise<Step> {
  const { log } = options;
  const at = options.now();
  const startedAt = await elect(view, options, at);
  if (startedAt === undefined) return { kind: 'wait' };
  const bytes = await archivedBytes(log, view.key, options.archiveMaxBytes);
  if (bytes === undefined) return { kind: 'look-again' };
  const archive = options.archiveKey(view.key, startedAt);
  await log.put(archive, bytes);
  await log.remove(view.key);
  const reason = view.rotation ?? 'full';
  const rotated: RotatedRecord = { t: 'rotated', id: options.id, at, reason, archive };
  const records: HistoryRecord[] = [rotated, ...carried(view, reason, options.carryBytes, options.id, at)];
  const lines = serializeRecords(records);
  try {
    const position = await log.append(view.key, 0, lines);
    return { kind: 'moved', view: { key: view.key, records, position, truncated: false, rotation: undefined, rotatedFrom: reason } };
  } catch (error) {
    if (!(error instanceof AppendConflictError)) throw error;
  }
  // A writer with a view from before the move started the fresh object first: the move's lines follow its own.
  const fresh = await options.history.open(view.key);
  const position = await log.append(view.key, fresh.position, lines);
  return { kind: 'moved', view: { ...fresh, records: [...fresh.records, ...records], position, rotatedFrom: reason } };
}

/**
 * The old object's bytes for its copy. One too large to hold in memory (never one this version wrote) keeps its last
 * `maxBytes`, after a line saying how much was left out; the limit is in the README.
 */
async function archivedBytes(log: AppendLog, key: string, maxBytes: number): Promise<Buffer | undefined> {
  try {
    return await log.readAll(key, maxBytes);
  } catch (error) {
    if (!(error instanceof StorageError)) throw error;
    const tail = await log.readTail(key, maxBytes);
    if (tail.length === 0) return undefined;
    const note = `${JSON.stringify({ t: 'archive-cut', omittedBytes: tail.length - Buffer.byteLength(tail.text) })}\n`;
    return Buffer.from(note + tail.text);
  }
}

/** The settings always; for a full object also its latest turns, so the conversation goes on where it was. */
function carried(view: ConversationView, reason: RotatedRecord['reason'], carryBytes: number, id: string, at: number): HistoryRecord[] {
  const state = readState(view.records);
  const turns: HistoryRecord[] = [];
  let bytes = 0;
  for (let index = view.records.length - 1; reason === 'full' && index >= 0; index -= 1) {
    const record = view.records[index];
    if (record === undefined || record.t === 'reset') break;
    if (record.t !== 'turn') continue;
    bytes += Buffer.byteLength(serializeRecord(record));
    if (bytes > carryBytes) break;
    turns.unshift(record);
  }
  const settings = state.persona ?? state.model ?? state.usage;
  return settings === undefined ? turns : [...turns, stateRecord(id, at, state)];
}
