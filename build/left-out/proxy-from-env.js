'use strict';
// Stands in for proxy-from-env: axios reads HTTP(S)_PROXY through it unless the request says `proxy: false`.
const leftOut = require('./left-out');

module.exports = { getProxyForUrl: leftOut('proxy-from-env', 'a proxy from HTTP_PROXY/HTTPS_PROXY (set proxy: false)') };
