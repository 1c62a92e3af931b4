import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Plugin } from 'esbuild';
import { METHODS_USED, OBJECT_FILES_KEPT, PARTS, PROOFS, STAND_INS, type LeftOut, type Part } from './ali-oss-left-out';

/**
 * ali-oss stays the worker's OSS client, but its lib/client.js merges every feature module into the client's
 * prototype when it loads (bucket, image, RTMP, multipart, managed upload, signed URLs…, with mz, graceful-fs,
 * xmlbuilder, qs and more under them), all paid at every cold start for the five object calls the product makes.
 * This plugin swaps what the product never reaches (build/ali-oss-left-out.ts lists it, part by part) for stand-ins
 * that define the same prototype methods and classes, each failing loudly when called. Every module is replaced for
 * its one importer only, and the build stops if ali-oss no longer loads it there as expected.
 */
const NAMESPACE = 'ali-oss-left-out';
const REFUSE = join(STAND_INS, 'refuse.js');

const CLIENT = 'ali-oss/lib/client.js';
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const relative = (path: string) => path.replace(/\\/g, '/').replace(/^.*\/node_modules\//, '');

export function withoutUnusedAliOss(parts: readonly Part[] = Object.keys(PARTS) as Part[]): Plugin {
  const leftOut: LeftOut[] = parts.flatMap((part) => PARTS[part]);
  // client.js is always read, so that the checks below know whether ali-oss is in this build at all.
  const importers = new Set([CLIENT, ...leftOut.map(({ importer }) => importer)]);
  const specifiers = new RegExp(`^(?:${[...new Set(leftOut.map(({ specifier }) => (specifier === '*' ? '\\./.*' : escape(specifier))))].join('|')})$`);
  return {
    name: 'without-unused-ali-oss',
    setup(build) {
      const loaded = new Set<string>();
      const replaced = new Set<LeftOut>();
      build.onStart(() => {
        loaded.clear();
        replaced.clear();
      });
      build.onLoad({ filter: /[\\/]node_modules[\\/](ali-oss|xml2js)[\\/]lib[\\/]/ }, async ({ path }) => {
        const importer = relative(path);
        if (!importers.has(importer)) return undefined;
        const source = await readFile(path, 'utf8');
        const broken = (PROOFS[importer] ?? []).filter(([, holds]) => !holds(source)).map(([what]) => what);
        if (broken.length > 0) throw new Error(`${path} no longer ${broken.join(', ')}: build/trim-ali-oss.ts must be looked at again`);
        loaded.add(importer);
        return { contents: source, loader: 'js' };
      });
      build.onResolve({ filter: specifiers }, ({ path: specifier, importer }) => {
        const from = relative(importer);
        const entry = leftOut.find((candidate) => candidate.importer === from && matches(candidate, specifier));
        if (!entry) return undefined;
        replaced.add(entry);
        const target = createRequire(importer).resolve(entry.standIn.kind === 'file' ? entry.standIn.path : specifier);
        return entry.standIn.kind === 'file' ? { path: target } : { path: target, namespace: NAMESPACE, pluginData: entry };
      });
      build.onLoad({ filter: /.*/, namespace: NAMESPACE }, ({ path, pluginData }) => ({
        contents: standInSource(path, pluginData as LeftOut),
        resolveDir: STAND_INS,
        loader: 'js',
      }));
      build.onEnd(() => {
        if (!loaded.has(CLIENT)) return undefined;
        const missing = [
          ...[...importers].filter((importer) => !loaded.has(importer)).map((importer) => `${importer} is no longer loaded`),
          ...leftOut.filter((entry) => !replaced.has(entry)).map(({ importer, specifier }) => `${importer} no longer requires ${specifier}`),
        ];
        return { errors: missing.map((text) => ({ text: `${text}: build/trim-ali-oss.ts must be looked at again` })) };
      });
    },
  };
}

function matches({ specifier }: LeftOut, path: string): boolean {
  return specifier === '*' ? path.startsWith('./') && !OBJECT_FILES_KEPT.includes(path.replace(/\.js$/, '')) : path === specifier;
}

/** The stand-in's source, from the real module as it is in node_modules (loaded here, in the build, not in the bundle). */
function standInSource(path: string, { standIn }: LeftOut): string {
  if (standIn.kind === 'class') {
    const refused = `require(${JSON.stringify(REFUSE)}).refusedClass(${JSON.stringify(standIn.name)})`;
    return `'use strict';\nmodule.exports = ${standIn.factory ? `() => ${refused}` : refused};\n`;
  }
  const exported = createRequire(path)(path) as Record<string, unknown>;
  const names = Object.getOwnPropertyNames(exported);
  const shadowed = names.filter((name) => METHODS_USED.includes(name));
  if (shadowed.length > 0) throw new Error(`${path} now defines ${shadowed.join(', ')}, which the product calls: build/trim-ali-oss.ts must keep it`);
  // merge-descriptors copies every own property, so a TypeScript-compiled module's __esModule flag lands on the
  // prototype too; such plain values keep their exact descriptor, as merging one unlike it again would throw.
  const values = Object.fromEntries(
    names.filter((name) => typeof exported[name] !== 'function').map((name) => [name, Object.getOwnPropertyDescriptor(exported, name)]),
  );
  const unusual = Object.keys(values).filter((name) => !['boolean', 'number', 'string'].includes(typeof exported[name]));
  if (unusual.length > 0) throw new Error(`${path} exports ${unusual.join(', ')}, which build/trim-ali-oss.ts cannot stand in for`);
  const methods = names.filter((name) => !(name in values));
  const asyncNames = methods.filter((name) => Object.prototype.toString.call(exported[name]) === '[object AsyncFunction]');
  const refused = `require(${JSON.stringify(REFUSE)}).refusedMethods(${JSON.stringify(methods)}, ${JSON.stringify(asyncNames)})`;
  return `'use strict';\nmodule.exports = Object.defineProperties(${refused}, ${JSON.stringify(values)});\n`;
}
