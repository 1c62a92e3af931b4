/**
 * What the function bundles get for `require('urllib')` (esbuild.config.ts aliases it here): ali-oss requires its
 * default HTTP library when it loads, but every client we build is given shared/storage/oss/urllib-transport.ts instead, so
 * urllib and what only it pulls in (iconv-lite, formstream, win-release…) stay out of the bundle. Reaching this is a wiring bug.
 * Status -1 makes ali-oss's requestError keep this error's name and message rather than hide them.
 */
export function request(): Promise<never> {
  const error = Object.assign(new Error('urllib is not bundled: pass the OSS transport to new OSS({ urllib })'), {
    name: 'UrllibNotBundledError',
    status: -1,
  });
  return Promise.reject(error);
}
