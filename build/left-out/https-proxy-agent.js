'use strict';
// Stands in for https-proxy-agent: axios tunnels HTTPS through a configured proxy with it.
const leftOut = require('./left-out');

module.exports = function HttpsProxyAgent() {
  leftOut('https-proxy-agent', 'an HTTPS request through a proxy')();
};
