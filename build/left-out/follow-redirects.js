'use strict';
// Stands in for follow-redirects: axios uses it only when a request allows redirects (maxRedirects above 0).
const leftOut = require('./left-out');

const refuse = leftOut('follow-redirects', 'following redirects (maxRedirects above 0)');
module.exports = { http: { request: refuse, get: refuse }, https: { request: refuse, get: refuse } };
