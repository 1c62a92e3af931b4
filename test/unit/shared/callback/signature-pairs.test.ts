import { createHash } from 'node:crypto';
import { startOssServer, type OssServer } from '../../../../local/oss/oss-server';
import { createSignaturePairGuard, signaturePairKey, type PairSighting } from '../../../../shared/callback/signature-pairs';
import { createOssLiteClient } from '../../../../shared/storage/oss/oss-lite-client';
import { fcContext } from '../../../helpers/builders';

const BUCKET = 'pairs';
const T0 = 1_700_000_000_000;
let oss: OssServer;
let clock: number;

beforeEach(async () => {
  oss = await startOssServer({ buckets: [BUCKET], credentials: [fcContext.credentials] });
  clock = T0;
});
afterEach(() => oss.close());

const client = () => createOssLiteClient({ bucket: BUCKET, region: 'cn-hangzhou', endpoint: oss.url, credentials: fcContext.credentials, timeoutMs: 2000 });
const guard = () => createSignaturePairGuard({ oss: client(), prefix: 'sig/', now: () => clock });
const sighting = (msgId: string, digest = `d-${msgId}`): PairSighting => ({ pair: [String(T0), 'c2lnbg=='], msgId, digest });
const outcome = (promise: Promise<unknown>) => promise.then((value) => value, (error: { code?: string }) => error.code);

describe('signature pair guard', () => {
  it('costs one OSS request for a first sighting and two for a redelivery', async () => {
    // Act
    const first = await guard().admit(sighting('m1'));
    const afterFirst = oss.requests.length;
    clock += 30 * 60_000;
    const again = await guard().admit(sighting('m1'));

    // Assess
    expect([first, again]).toEqual(['first', 'redelivery']);
    expect(afterFirst).toBe(1);
    expect(oss.requests.map((request) => request.operation)).toEqual(['AppendObject', 'AppendObject', 'GetObject']);
  });

  it('answers messages DingTalk signed in the same millisecond even when they arrive together', async () => {
    // Act
    const results = await Promise.all(['a', 'b', 'c', 'd'].map((id) => guard().admit(sighting(id))));

    // Assess
    expect(results.filter((result) => result === 'first')).toHaveLength(1);
    expect(results.filter((result) => result === 'sibling')).toHaveLength(3);
    clock += 11_000;
    expect(await Promise.all(['a', 'b', 'c', 'd'].map((id) => guard().admit(sighting(id))))).toEqual(Array(4).fill('redelivery'));
  });

  it('refuses a new message id once the pair was first seen more than 10 s ago, and the same id with another body at any time', async () => {
    // Prepare
    await guard().admit(sighting('m1'));

    // Act
    clock += 10_000;
    const atTheEdge = await outcome(guard().admit(sighting('m2')));
    clock += 1;
    const late = await outcome(guard().admit(sighting('m3')));
    const alteredBody = await outcome(guard().admit(sighting('m1', 'another-digest')));

    // Assess
    expect([atTheEdge, late, alteredBody]).toEqual(['sibling', 'SIGNATURE_REUSED', 'SIGNATURE_REUSED']);
  });

  it('refuses more than 20 messages under one pair, even inside the window', async () => {
    // Prepare
    for (let index = 0; index < 20; index += 1) await guard().admit(sighting(`m${index}`));

    // Act
    const result = await outcome(guard().admit(sighting('m20')));

    // Assess
    expect(result).toBe('SIGNATURE_REUSED');
  });

  it('fails as storage (so the callback answers 503) on a record it cannot read', async () => {
    // Prepare
    await client().append(signaturePairKey('sig/', String(T0), 'c2lnbg=='), Buffer.from('not json\n'), 0, 'text/plain');

    // Act
    const result = await outcome(guard().admit(sighting('m1')));

    // Assess
    expect(result).toBe('STORAGE_FAILED');
  });

  it('without siblings, lets a pair carry only the message it was first seen with, redeliveries included', async () => {
    // Prepare: WeChat's plaintext pair is (timestamp, nonce, signature); its nonce makes a genuine pair one message's
    const single = () => createSignaturePairGuard({ oss: client(), prefix: 'sig/', now: () => clock, siblings: false });
    const wechat = (msgId: string): PairSighting => ({ pair: ['1700000000', '12345', 'ab'.repeat(20)], msgId, digest: `d-${msgId}` });
    await single().admit(wechat('m1'));

    // Act
    const other = await outcome(single().admit(wechat('m2')));
    const retry = await outcome(single().admit(wechat('m1')));

    // Assess
    expect([other, retry]).toEqual(['SIGNATURE_REUSED', 'redelivery']);
  });

  it('keys the record by a hash of the pair', () => {
    // Act
    const key = signaturePairKey('sig/', '1700000000000', 'abc+/=');

    // Assess
    expect(key).toMatch(/^sig\/[0-9a-f]{64}$/);
    expect(key).not.toBe(signaturePairKey('sig/', '1700000000001', 'abc+/='));
    // DingTalk's records written before the guard took a list of signed values keep their keys.
    expect(key).toBe(`sig/${createHash('sha256').update('1700000000000\nabc+/=').digest('hex')}`);
  });
});
