'use strict';
// Stands in for xmlbuilder under xml2js, which uses it only for xml2js.Builder; ali-oss parses XML with xml2js
// (error documents) and writes what XML it sends with its own obj2xml.
const { leftOut } = require('./refuse');

exports.create = function create() {
  throw leftOut('xml2js.Builder (xmlbuilder)');
};
