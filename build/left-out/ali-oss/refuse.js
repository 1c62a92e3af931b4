'use strict';
/**
 * What the ali-oss stand-ins throw when a left-out part is reached after all: nothing of ours calls it, so the
 * bundle leaves it out (build/trim-ali-oss.ts says why), and a future use must fail loudly rather than half work.
 */
function leftOut(what) {
  return new Error(`ali-oss ${what} is left out of this bundle (build/trim-ali-oss.ts)`);
}

/** Prototype methods by name, each failing as the original would: an async one rejects, any other throws. */
exports.refusedMethods = function refusedMethods(names, asyncNames) {
  const methods = {};
  for (const name of names) {
    methods[name] = asyncNames.includes(name)
      ? async function refusedAsync() {
          throw leftOut(`${name}()`);
        }
      : function refused() {
          throw leftOut(`${name}()`);
        };
  }
  return methods;
};

/** A client class (OSS.ImageClient, OSS.ClusterClient, OSS.STS) that cannot be constructed. */
exports.refusedClass = function refusedClass(name) {
  return function RefusedClient() {
    throw leftOut(name);
  };
};

exports.leftOut = leftOut;
