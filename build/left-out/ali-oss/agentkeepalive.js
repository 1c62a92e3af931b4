'use strict';
// Stands in for agentkeepalive: ali-oss builds two global agents at load, but hands them only to its own urllib, which
// the function bundles leave out too (every client we build is given shared/storage/oss/urllib-transport.ts, which has its
// own agents). Nothing reads these objects unless that left-out urllib is called, which fails loudly itself.
class KeepAliveAgentLeftOut {}
module.exports = KeepAliveAgentLeftOut;
module.exports.HttpsAgent = class HttpsKeepAliveAgentLeftOut {};
