import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BuildOptions, Plugin } from 'esbuild';

/**
 * axios stays the DingTalk client, but its Node build loads much that the worker never uses, and that load is paid
 * at every cold start. Every DingTalk request goes through shared/channels/dingtalk/dingtalk-http.ts, which sets
 * `maxRedirects: 0` (axios then calls node:http/https itself), `proxy: false` and sends JSON only, so the modules
 * below are replaced with stand-ins (build/left-out/) that throw a clear error if a request ever needs them:
 * - form-data, and with it mime-types and mime-db (~150 KB): only for sending an object as multipart/form-data.
 *   (ali-oss names files' types with the separate `mime` package, which stays.)
 * - follow-redirects: only when redirects are allowed.
 * - proxy-from-env, https-proxy-agent: only for proxies.
 * - node:http2: only for httpVersion 2; no other module of the worker loads it.
 * - axios' fetch adapter, and the FormData probe in axios/lib/utils.js: touching the globals fetch, Request,
 *   Response or FormData makes Node 20 load its fetch implementation (undici), ~25 ms, while loading axios.
 */
// This file runs from build/ (tests) or bundled into dist/.esbuild.config.cjs (npm run build).
const LEFT_OUT = join(__dirname.endsWith('dist') ? join(__dirname, '..', 'build') : __dirname, 'left-out');

export const AXIOS_LEFT_OUT: NonNullable<BuildOptions['alias']> = Object.fromEntries(
  ['form-data', 'follow-redirects', 'proxy-from-env', 'https-proxy-agent', 'http2'].map((name) => [name, join(LEFT_OUT, `${name}.js`)]),
);

/** The one line of axios/lib/utils.js that reads the global FormData when axios loads. */
const FORM_DATA_PROBE = "const FormDataCtor = typeof G.FormData !== 'undefined' ? G.FormData : undefined;";

export const withoutAxiosFetchProbes: Plugin = {
  name: 'without-axios-fetch-probes',
  setup(build) {
    build.onResolve({ filter: /^\.\/fetch\.js$/ }, ({ importer }) =>
      /[\\/]axios[\\/]lib[\\/]adapters[\\/]adapters\.js$/.test(importer) ? { path: join(LEFT_OUT, 'axios-fetch-adapter.js') } : undefined,
    );
    build.onLoad({ filter: /[\\/]axios[\\/]lib[\\/]utils\.js$/ }, async ({ path }) => {
      const source = await readFile(path, 'utf8');
      // A new axios that reads the global differently must be looked at again, not bundled as it is.
      if (!source.includes(FORM_DATA_PROBE)) throw new Error(`${path}: the FormData probe build/trim-axios.ts removes is gone`);
      // Without the constructor, isFormData still recognises Node's FormData by its [object FormData] tag.
      return { contents: source.replace(FORM_DATA_PROBE, 'const FormDataCtor = undefined;'), loader: 'js' };
    });
  },
};
