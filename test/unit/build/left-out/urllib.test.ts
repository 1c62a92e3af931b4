import OSS from 'ali-oss';
import * as notBundled from '../../../../build/left-out/urllib';

describe('the stand-in for urllib in the function bundles', () => {
  it('fails a client built without the transport with its own name and message, which ali-oss passes on', async () => {
    // Prepare: what a client without `urllib` gets in a function bundle
    const client = new OSS({ accessKeyId: 'a', accessKeySecret: 'b', bucket: 'chat', endpoint: 'http://127.0.0.1:9', urllib: notBundled } as OSS.Options);

    // Act
    const error = await client.get('k').then(
      () => undefined,
      (thrown: unknown) => thrown,
    );

    // Assess
    expect(error).toMatchObject({ name: 'UrllibNotBundledError', status: -1, message: expect.stringMatching(/urllib is not bundled/) });
  });
});
