'use strict';
// Stands in for node:http2, which axios loads at start-up for requests that ask for httpVersion 2.
const leftOut = require('./left-out');

const refuse = leftOut('http2', 'an HTTP/2 request (httpVersion 2)');
module.exports = {
  connect: refuse,
  get constants() {
    return refuse();
  },
};
