'use strict';
// Stands in for form-data: axios builds one only to send an object as multipart/form-data (postForm).
const leftOut = require('./left-out');

module.exports = function FormData() {
  leftOut('form-data', 'sending an object as multipart/form-data')();
};
