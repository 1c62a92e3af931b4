import { buildXml, parseWechatXml } from '../../../../../shared/channels/wechat/xml';
import { readWechatMessage } from '../../../../../shared/channels/wechat/schema';
import { PayloadParseError } from '../../../../../shared/errors';

const message = (extra: string) =>
  Buffer.from(`<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[o1]]></FromUserName><CreateTime>1700000000</CreateTime>${extra}</xml>`);

describe('WeChat XML', () => {
  it('keeps a MsgId past 2^53 exactly', () => {
    // Act
    const read = readWechatMessage(parseWechatXml(message('<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hi]]></Content><MsgId>7250021412600020993</MsgId>')));
    // Assess
    expect(read).toEqual({ kind: 'text', id: '7250021412600020993', account: 'gh_1', user: 'o1', createTime: 1_700_000_000, text: 'hi' });
  });

  it('builds a reply whose ]]> and markup survive a round trip', () => {
    // Prepare
    const content = 'a]]>b]]]]>c <tag> & 中文';
    // Act
    const fields = parseWechatXml(Buffer.from(buildXml({ Content: content, CreateTime: 5 })));
    // Assess
    expect(fields).toEqual({ Content: content, CreateTime: '5' });
  });

  it('gives an event the id FromUserName + CreateTime', () => {
    // Act
    const read = readWechatMessage(parseWechatXml(message('<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event>')));
    // Assess
    expect(read).toMatchObject({ kind: 'event', id: 'o1:1700000000', event: 'subscribe' });
  });

  it('reads other types as unsupported, keeping the type', () => {
    // Act
    const read = readWechatMessage(parseWechatXml(message('<MsgType><![CDATA[location]]></MsgType><MsgId>1</MsgId>')));
    // Assess
    expect(read).toMatchObject({ kind: 'other', msgType: 'location', id: '1' });
  });

  it.each([
    ['malformed XML', Buffer.from('<xml><a>1</b></xml>')],
    ['a document type', Buffer.from('<!DOCTYPE x [<!ENTITY e "e">]><xml><a>&e;</a></xml>')],
    ['no <xml> root', Buffer.from('<other><a>1</a></other>')],
    ['invalid UTF-8', Buffer.from([0x3c, 0x78, 0x6d, 0x6c, 0x3e, 0xff, 0x3c, 0x2f, 0x78, 0x6d, 0x6c, 0x3e])],
  ])('refuses %s', (_name, body) => {
    // Act / Assess
    expect(() => parseWechatXml(body)).toThrow(PayloadParseError);
  });

  it.each([
    ['a repeated element', '<MsgType><![CDATA[text]]></MsgType><MsgType><![CDATA[text]]></MsgType><Content>x</Content><MsgId>1</MsgId>'],
    ['a text without Content', '<MsgType><![CDATA[text]]></MsgType><MsgId>1</MsgId>'],
    ['a MsgId that is not digits', '<MsgType><![CDATA[text]]></MsgType><Content>x</Content><MsgId>1e3</MsgId>'],
  ])('refuses a message with %s', (_name, extra) => {
    // Act / Assess
    expect(() => readWechatMessage(parseWechatXml(message(extra)))).toThrow(PayloadParseError);
  });
});
