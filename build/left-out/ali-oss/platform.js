'use strict';
/**
 * Stands in for `platform`, which ali-oss loads only for the User-Agent it sends (client.js _getUserAgent reads
 * platform.description). platform parses a browser UA string at load, for nothing in Node; on Node (neither Electron
 * nor NW.js) its description comes from process alone and is rebuilt here the same way, e.g.
 * "Node.js 20.20.2 on Linux 64-bit" (test/unit/build/trim-ali-oss.test.ts compares it with platform's).
 */
const { leftOut } = require('./refuse');

function describe(node) {
  if (typeof node.versions === 'object' && (typeof node.versions.electron === 'string' || typeof node.versions.nw === 'string')) {
    throw leftOut('platform (describing Electron or NW.js)');
  }
  const version = /[\d.]+/.exec(node.version);
  const name = String(node.platform).trim();
  const os = name.charAt(0).toUpperCase() + name.slice(1);
  const is64 = /\b(?:AMD|IA|Win|WOW|x86_|x)64\b/i.test(node.arch) && !/\bi686\b/i.test(node.arch);
  return `Node.js${version ? ` ${version[0]}` : ''} on ${os}${is64 ? ' 64-bit' : ''}`;
}

module.exports = {
  get description() {
    return describe(process);
  },
  describe,
};
