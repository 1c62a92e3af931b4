import { join } from 'node:path';

/**
 * What build/trim-ali-oss.ts leaves out of ali-oss 6, part by part, and the source lines that show each part is
 * still loaded where and as expected. The product calls only append, put, get, head and delete on a client
 * (shared/storage/oss/oss-append-log.ts), with Buffers, V1 signatures and our own transport (shared/storage/oss/urllib-transport.ts).
 */
// This file runs from build/ (tests) or bundled into dist/.esbuild.config.cjs (npm run build).
export const STAND_INS = join(__dirname.endsWith('dist') ? join(__dirname, '..', 'build') : __dirname, 'left-out', 'ali-oss');

/** The client methods the product calls and the prototype helpers they call; no left-out module may define one. */
export const METHODS_USED = ['append', 'put', 'get', 'head', 'delete', '_objectRequestParams', '_objectName', '_convertMetaToHeaders', '_objectUrl'];

/** What a left-out module becomes: prototype methods that fail, a client class that fails, or a stand-in file. */
export type StandIn = { kind: 'methods' } | { kind: 'class'; name: string; factory: boolean } | { kind: 'file'; path: string };

export interface LeftOut {
  /** The requiring file, relative to node_modules (the stand-in applies to this importer only). */
  importer: string;
  specifier: string;
  standIn: StandIn;
}

const CLIENT = 'ali-oss/lib/client.js';
const OBJECT_INDEX = 'ali-oss/lib/common/object/index.js';
const methods = (specifier: string): LeftOut => ({ importer: CLIENT, specifier, standIn: { kind: 'methods' } });

export const PARTS = {
  /** Bucket, image, RTMP, multipart and managed-upload operations, and the three extra client classes. */
  features: [
    ...['./common/image', './common/bucket', './bucket', './managed-upload', './rtmp', './common/multipart-copy', './common/parallel', './common/multipart'].map(methods),
    { importer: CLIENT, specifier: './image', standIn: { kind: 'class', name: 'ImageClient', factory: true } },
    { importer: CLIENT, specifier: './cluster', standIn: { kind: 'class', name: 'ClusterClient', factory: true } },
    { importer: CLIENT, specifier: './sts', standIn: { kind: 'class', name: 'STS', factory: false } },
  ],
  /** lib/common/object/index.js: every object operation but get, head and delete (append and put are in lib/object.js). */
  objectExtras: [{ importer: OBJECT_INDEX, specifier: '*', standIn: { kind: 'methods' } }],
  /** Packages client.js loads for the User-Agent, browser checks, its own urllib's agents and one URL escape. */
  clientHelpers: [
    { importer: CLIENT, specifier: 'platform', standIn: { kind: 'file', path: join(STAND_INS, 'platform.js') } },
    { importer: CLIENT, specifier: 'bowser', standIn: { kind: 'file', path: join(STAND_INS, 'bowser.js') } },
    { importer: CLIENT, specifier: 'agentkeepalive', standIn: { kind: 'file', path: join(STAND_INS, 'agentkeepalive.js') } },
    // client.js calls only utility.encodeURIComponent, which utility/web.js defines: the rest of utility (mz, graceful-fs…) stays out.
    { importer: CLIENT, specifier: 'utility', standIn: { kind: 'file', path: 'utility/web.js' } },
  ],
  /** qs under signUtils (V4 signatures only) and xmlbuilder under xml2js (xml2js.Builder only). */
  deepHelpers: [
    { importer: 'ali-oss/lib/common/signUtils.js', specifier: 'qs', standIn: { kind: 'file', path: join(STAND_INS, 'qs.js') } },
    { importer: 'xml2js/lib/builder.js', specifier: 'xmlbuilder', standIn: { kind: 'file', path: join(STAND_INS, 'xmlbuilder.js') } },
  ],
} satisfies Record<string, LeftOut[]>;

export type Part = keyof typeof PARTS;

/** lib/common/object/index.js merges these into the prototype, and they stay. */
export const OBJECT_FILES_KEPT = ['./get', './head', './delete'];

const count = (source: string, pattern: RegExp) => source.match(pattern)?.length ?? 0;
const only = (source: string, pattern: RegExp, allowed: string[]) => [...source.matchAll(pattern)].every((m) => allowed.includes(m[1] ?? ''));

/**
 * Per importer, what its source must still say for the stand-ins to be right; a new ali-oss that says otherwise
 * stops the build, to be looked at again.
 */
export const PROOFS: Record<string, Array<[string, (source: string) => boolean]>> = {
  [CLIENT]: [
    ...PARTS.features
      .filter(({ standIn }) => standIn.kind === 'methods')
      .map(({ specifier }): [string, (s: string) => boolean] => [`merges ${specifier}`, (s) => s.includes(`merge(proto, require('${specifier}'));`)]),
    ['sets Client.ImageClient', (s) => s.includes("Client.ImageClient = require('./image')(Client);")],
    ['sets Client.ClusterClient', (s) => s.includes("Client.ClusterClient = require('./cluster')(Client);")],
    ['sets Client.STS', (s) => s.includes("Client.STS = require('./sts');")],
    ['reads only platform.description', (s) => only(s, /\bplatform\.(\w+)/g, ['description'])],
    ['reads bowser only in checkBrowserAndVersion', (s) => only(s, /\bbowser\.(\w+)/g, ['name', 'version']) && count(s, /\bbowser\./g) === 2],
    ['calls only utility.encodeURIComponent', (s) => only(s, /\butility\.(\w+)/g, ['encodeURIComponent'])],
    // Declared, given maxSockets and handed to its own urllib only: three mentions each.
    ['uses its agents only with its own urllib', (s) => count(s, /\bglobalHttpAgent\b/g) === 3 && count(s, /\bglobalHttpsAgent\b/g) === 3],
  ],
  [OBJECT_INDEX]: OBJECT_FILES_KEPT.map((file) => [`merges ${file}`, (s) => s.includes(`merge(proto, require('${file}'));`)]),
  'ali-oss/lib/common/signUtils.js': [['uses qs only for the V4 canonical query', (s) => count(s, /\bqs\./g) === 1 && s.includes('qs.stringify(queries, {')]],
  'xml2js/lib/builder.js': [['loads xmlbuilder for its Builder', (s) => s.includes("builder = require('xmlbuilder');")]],
};
