'use strict';
// Stands in for axios' fetch adapter, which probes fetch, Request and Response when it loads; the Node adapter
// (http) is the one axios picks here. `false` is what axios itself reports where fetch is unavailable.
module.exports = { getFetch: () => false, default: false };
