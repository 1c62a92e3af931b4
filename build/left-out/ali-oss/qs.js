'use strict';
// Stands in for qs under ali-oss's signUtils, which uses it only to build V4 signatures' canonical query; our clients
// sign with V1 (createOssClient never sets authorizationV4).
const { leftOut } = require('./refuse');

exports.stringify = function stringify() {
  throw leftOut('V4 signing (authorizationV4, qs)');
};
