/**
 * esbuild's `inject` file for the function bundles (esbuild.config.ts): every free reference to the globals
 * `Headers`, `Response` and `FormData` in bundled code (openai-node, shared/model, axios) is bound to these instead.
 * In Node 20 those globals are undici's, loaded on the first touch, which cost a cold worker's first turn about 20 ms
 * of CPU and 12 MiB of peak RSS; the replacements (shared/http/) load nothing. Only this file's exports are
 * substituted, so it must export nothing else.
 */
export { LightHeaders as Headers } from '../shared/http/light-headers';
export { LightResponse as Response } from '../shared/http/light-response';
export { LazyFormData as FormData } from '../shared/http/lazy-form-data';
