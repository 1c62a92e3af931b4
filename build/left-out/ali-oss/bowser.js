'use strict';
// Stands in for `bowser` (a browser detector): ali-oss reads it only in checkBrowserAndVersion, which only its
// multipart uploads call, and those are left out as well.
const { leftOut } = require('./refuse');

module.exports = {
  get name() {
    throw leftOut('checkBrowserAndVersion() (bowser)');
  },
  get version() {
    throw leftOut('checkBrowserAndVersion() (bowser)');
  },
};
