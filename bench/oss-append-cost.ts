import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import OSS from 'ali-oss';
import { startOssServer } from '../local/oss/oss-server';

/**
 * What one turn's AppendObject costs the local OSS stand-in on disk once a history is long: a 1,000-turn object
 * (~500 KB) is built, then APPENDS more turns are appended through ali-oss, one after another. Prints the time per
 * append; run the whole process under `time` for the end-to-end figure.
 *
 *   npx esbuild bench/oss-append-cost.ts --bundle --platform=node --packages=external --outfile=dist/bench/oss-append-cost.js
 *   time node dist/bench/oss-append-cost.js [APPENDS]
 */
const TURN = Buffer.from(`${JSON.stringify({ role: 'user', text: '你好'.repeat(75), msgId: 'm'.repeat(24) })}\n`);
const HISTORY_TURNS = 1000;
const APPENDS = Number(process.argv[2] ?? 500);
const credential = { accessKeyId: 'LTAIbench', accessKeySecret: 'bench-secret' };

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'oss-append-cost-'));
  const server = await startOssServer({ buckets: ['bench'], credentials: [credential], dataDir });
  const client = new OSS({ ...credential, bucket: 'bench', endpoint: server.url } as OSS.Options);
  try {
    const key = 'history/long.jsonl';
    await client.append(key, Buffer.concat(Array<Buffer>(HISTORY_TURNS).fill(TURN)), { position: '0' });
    let position = TURN.length * HISTORY_TURNS;
    const started = performance.now();
    for (let turn = 0; turn < APPENDS; turn += 1) {
      const result = await client.append(key, TURN, { position: String(position) });
      position = Number(result.nextAppendPosition);
    }
    const elapsed = performance.now() - started;
    console.log(
      `${APPENDS} appends of ${TURN.length} B to a ${HISTORY_TURNS}-turn object (${TURN.length * HISTORY_TURNS} B at the start):` +
        ` ${elapsed.toFixed(0)} ms, ${(elapsed / APPENDS).toFixed(2)} ms per append; final size ${position} B`,
    );
  } finally {
    await server.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
