import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { PayloadParseError } from '../../errors';
import { decodeUtf8 } from '../../validation/parse';

/**
 * WeChat's XML bodies (docs/wechat.md §3): one `<xml>` element whose children are text, numbers or CDATA. Values stay
 * strings (`parseTagValue: false`): a MsgId is a 64-bit integer past 2^53 that a number would silently round.
 * A document type is refused outright: WeChat never sends one, and its entities are the classic XML bomb.
 */
const parser = new XMLParser({
  parseTagValue: false,
  trimValues: false,
  htmlEntities: false,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

export function parseWechatXml(body: Buffer): Record<string, unknown> {
  const text = decodeUtf8(body, 'body');
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new PayloadParseError(['body: XML with a document type']);
  if (XMLValidator.validate(text) !== true) throw new PayloadParseError(['body: malformed XML']);
  const document: unknown = parser.parse(text);
  const root = typeof document === 'object' && document !== null ? (document as Record<string, unknown>)['xml'] : undefined;
  if (typeof root !== 'object' || root === null || Array.isArray(root)) throw new PayloadParseError(['body: no <xml> element']);
  const fields: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(root)) if (name !== '#text') fields[name] = value;
  return fields;
}

/** Text as CDATA; a `]]>` inside is split across two sections, which every XML reader joins back. */
export const cdata = (text: string): string => `<![CDATA[${text.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;

/** `<xml>` with one child per field: numbers as they are, strings as CDATA. Built by hand: no builder in the bundle. */
export function buildXml(fields: Readonly<Record<string, string | number>>): string {
  const children = Object.entries(fields).map(([name, value]) => `<${name}>${typeof value === 'number' ? String(value) : cdata(value)}</${name}>`);
  return `<xml>${children.join('')}</xml>`;
}
