'use strict';
/**
 * What every stand-in in this folder throws when the code it replaced is reached after all: the bundle left the
 * module out because nothing of ours uses it (build/trim-axios.ts says why), and a future use must fail loudly.
 */
module.exports = function leftOut(moduleName, use) {
  return function refuse() {
    throw new Error(`${moduleName} is left out of this bundle (build/trim-axios.ts): ${use} is not supported here`);
  };
};
