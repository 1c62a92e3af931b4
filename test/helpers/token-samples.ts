/**
 * Texts the token estimate is measured on, one per kind of content users send or models answer: prose in the
 * scripts the robot meets, code, structured data, and the adversarial cases (random ASCII, emoji sequences,
 * Thai with combining marks) where a characters-per-token rule breaks down. Deterministic, so the unit test and
 * `bench/token-estimate.ts` see the same table.
 */
export interface TokenSample {
  kind: string;
  text: string;
}

/** A small linear congruential generator: the same "random" strings on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

function randomFrom(alphabet: readonly string[], length: number, seed: number): string {
  const next = seeded(seed);
  let text = '';
  for (let index = 0; index < length; index += 1) text += alphabet[Math.floor(next() * alphabet.length)] ?? '';
  return text;
}

const PRINTABLE_ASCII = Array.from({ length: 95 }, (_, index) => String.fromCharCode(32 + index));
const BASE64 = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'];
const HEX = [...'0123456789abcdef'];
const EMOJI = [
  '👨‍👩‍👧‍👦', '👩🏽‍💻', '🧑🏿‍🚀', '👍🏻', '👋🏾', '🏳️‍🌈', '❤️‍🔥', '🤦🏼‍♀️', '🙂', '🎉', '🇨🇳', '🇹🇭', '👨🏻‍⚕️', '🫶🏿', '😂', '🐱',
];

const repeatTo = (parts: readonly string[], length: number, separator = ''): string => {
  let text = '';
  for (let index = 0; text.length < length; index += 1) text += (index === 0 ? '' : separator) + (parts[index % parts.length] ?? '');
  return text;
};

const CHINESE = [
  '请帮我总结一下这份季度销售报告里的主要结论，并指出哪些地区的增长低于预期。',
  '根据上面的数据，华东区的销售额同比增长了百分之十二，而西南区只增长了百分之三。',
  '建议下一季度把推广预算向增长较慢的地区倾斜，同时复盘渠道合作的效果。',
  '另外，客户满意度调查显示售后响应时间仍然是大家最关心的问题之一。',
  '鉴于供应链的波动，采购部门需要提前锁定关键零部件的价格，避免成本进一步上涨。',
  '会议纪要：一、确认新版本的发布时间；二、梳理遗留缺陷；三、安排下周的用户访谈。',
];
const ENGLISH = [
  'Could you summarise the main findings of this quarterly sales report and point out which regions grew less than expected?',
  ' Based on the figures above, revenue in the East region rose twelve percent year over year, while the Southwest grew only three percent.',
  ' I would suggest shifting part of next quarter\'s marketing budget towards the slower regions and reviewing how the channel partnerships performed.',
  ' Customer satisfaction surveys also show that after-sales response time remains one of the most common complaints.',
];
const CODE = `import { readFile } from 'node:fs/promises';

export interface RetryOptions {
  attempts: number;
  delayMs: number;
}

/** Retries \`run\` until it resolves or the attempts are used up, waiting longer after each failure. */
export async function retry<T>(run: () => Promise<T>, { attempts, delayMs }: RetryOptions): Promise<T> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    try {
      return await run();
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, delayMs * 2 ** (attempt - 1)));
    }
  }
  throw new Error(\`gave up after \${attempts} attempts\`, { cause: lastError });
}

const config = JSON.parse(await readFile('./config.json', 'utf8')) as Record<string, string>;
if (!config['apiKey']) process.exitCode = 1;
`;
const PYTHON = `def parse_rows(path: str) -> list[dict[str, float]]:
    rows = []
    with open(path, encoding="utf-8") as handle:
        for line_no, line in enumerate(handle, start=1):
            if not line.strip() or line.startswith("#"):
                continue
            name, *values = line.rstrip("\\n").split(",")
            try:
                rows.append({"name": name, "total": sum(float(v) for v in values)})
            except ValueError as exc:
                raise ValueError(f"{path}:{line_no}: {exc}") from exc
    return rows
`;
const THAI = [
  'สวัสดีครับ ผมอยากให้ช่วยสรุปรายงานยอดขายประจำไตรมาสนี้ และชี้ให้เห็นว่าภูมิภาคใดเติบโตต่ำกว่าที่คาดไว้',
  ' จากข้อมูลข้างต้น ยอดขายในภาคตะวันออกเพิ่มขึ้นร้อยละสิบสองเมื่อเทียบกับปีก่อน ขณะที่ภาคตะวันตกเฉียงใต้เพิ่มขึ้นเพียงร้อยละสาม',
  ' ผู้ใหญ่บ้านน้ำใจดี ไม่กี่ปีที่ผ่านมา เด็ก ๆ ที่นี่ได้เรียนรู้เรื่องสิ่งแวดล้อมอย่างตั้งใจ',
];
const JAPANESE = [
  'この四半期の売上報告書の主な結論をまとめて、予想より成長が遅れている地域を教えてください。',
  '上記のデータによると、東部地域の売上は前年比で十二パーセント増加しましたが、南西部はわずか三パーセントでした。',
  'カスタマーサポートの対応時間については、引き続き改善が必要です。ご確認のほどよろしくお願いいたします。',
];
const KOREAN = [
  '이번 분기 매출 보고서의 주요 결론을 요약하고, 예상보다 성장이 더딘 지역이 어디인지 알려 주세요.',
  ' 위의 자료에 따르면 동부 지역의 매출은 전년 대비 12퍼센트 증가했지만 남서부는 3퍼센트에 그쳤습니다.',
  ' 고객 만족도 조사에서도 사후 서비스 응답 시간이 여전히 가장 큰 불만 사항으로 나타났습니다.',
];
const MIXED = [
  '我们的服务部署在 Alibaba Cloud Function Compute 上，调用 OpenAI-compatible API 时偶尔会遇到 429 Too Many Requests。',
  '请检查 OPENAI_BASE_URL 是否以 /v1 结尾，然后用 npm run build 重新打包，再执行 s deploy。',
  '这个 bug 只在 Node.js 20 的 cold start 时出现，错误信息是 TypeError: Cannot read properties of undefined。',
];
const URLS = [
  'https://oapi.dingtalk.com/robot/send?access_token=3f9a7c1e5b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f1a3c5e7b9d',
  'https://github.com/openai/openai-node/blob/master/src/core/streaming.ts#L120-L164',
  'https://help.aliyun.com/zh/functioncompute/fc-3-0/user-guide/configure-environment-variables?spm=a2c4g.11186623.0.i3',
  'https://example.com/search?q=%E9%92%89%E9%92%89%20%E6%9C%BA%E5%99%A8%E4%BA%BA&page=2&utm_source=newsletter',
];
const RUSSIAN = [
  'Пожалуйста, кратко изложите основные выводы квартального отчёта о продажах и укажите, какие регионы росли медленнее ожидаемого.',
  ' Судя по данным, выручка в восточном регионе выросла на двенадцать процентов, а на юго-западе лишь на три процента.',
];
const ARABIC = [
  'من فضلك لخّص النتائج الرئيسية لتقرير المبيعات الفصلي، وحدّد المناطق التي نمت أقل من المتوقع.',
  ' وفقًا للبيانات أعلاه، ارتفعت الإيرادات في المنطقة الشرقية بنسبة اثني عشر بالمئة، بينما نمت المنطقة الجنوبية الغربية بثلاثة بالمئة فقط.',
];
const HINDI = [
  'कृपया इस तिमाही की बिक्री रिपोर्ट के मुख्य निष्कर्षों का सारांश दें और बताएं कि किन क्षेत्रों में वृद्धि अपेक्षा से कम रही।',
  ' ऊपर दिए गए आंकड़ों के अनुसार, पूर्वी क्षेत्र में राजस्व में बारह प्रतिशत की वृद्धि हुई।',
];
/** Characters from the CJK extension blocks and rare corners of the main block: names, classical text. */
const RARE_HAN = [...'㐀㐁㐂㐃㐄㐅㐆㐇㐈㐉㐊㐋㐌㐍㐎㐏䶵䶴䶳鿐鿑鿒鿓鿔鿕龘靐齉爨麤鱻𠀀𠀁𠀂𠀃𠀄𠀅𠀆𠀇𪚥𪜀𫝀𬺰𰀀'];
const NEWER_EMOJI = ['🫨', '🩷', '🩵', '🫎', '🪽', '🪿', '🫚', '🫛', '🪮', '🪭', '🧑🏽‍🦯‍➡️', '🐦‍🔥', '🍋‍🟩', '🍄‍🟫', '⛓️‍💥', '🙂‍↔️'];
const JSON_SAMPLE = JSON.stringify(
  Array.from({ length: 12 }, (_, index) => ({
    id: `msg${(index * 7919).toString(36)}==`,
    at: 1_764_620_000_000 + index * 37_123,
    user: { nick: ['张三', 'Li Si', 'ワン'][index % 3], staffId: `0${index * 4211 + 17}` },
    tokens: { prompt: 1200 + index * 13, completion: 341 - index },
    ok: index % 4 !== 0,
  })),
  null,
  2,
);

export const TOKEN_SAMPLES: readonly TokenSample[] = [
  { kind: 'Chinese prose', text: repeatTo(CHINESE, 3000) },
  { kind: 'English prose', text: repeatTo(ENGLISH, 3000) },
  { kind: 'code (TypeScript)', text: CODE },
  { kind: 'code (Python)', text: PYTHON },
  { kind: 'Thai with combining marks', text: repeatTo(THAI, 2000) },
  { kind: 'emoji (ZWJ, skin tones, flags)', text: randomFrom(EMOJI, 600, 11) },
  { kind: 'emoji between words', text: repeatTo(['好的👍🏻', '收到🙏🏼', '太棒了🎉🎉', 'ok 👨‍👩‍👧‍👦', '哈哈😂😂😂'], 600, ' ') },
  { kind: 'random printable ASCII', text: randomFrom(PRINTABLE_ASCII, 10_000, 7) },
  { kind: 'random base64', text: randomFrom(BASE64, 4000, 3) },
  { kind: 'random hex', text: randomFrom(HEX, 4000, 5) },
  { kind: 'Japanese', text: repeatTo(JAPANESE, 2000) },
  { kind: 'Korean', text: repeatTo(KOREAN, 2000) },
  { kind: 'Chinese + English', text: repeatTo(MIXED, 2000) },
  { kind: 'URLs', text: repeatTo(URLS, 2000, '\n') },
  { kind: 'JSON', text: JSON_SAMPLE },
  { kind: 'numbers', text: randomFrom([...'0123456789'], 3000, 13).replace(/(\d{1,9})/g, '$1, ').slice(0, 3000) },
  { kind: 'whitespace runs', text: repeatTo(['    ', '\n', '\t\t', '        ', ' \n \n', '   x  ', '\r\n'], 2000) },
  { kind: 'Russian', text: repeatTo(RUSSIAN, 2000) },
  { kind: 'Arabic', text: repeatTo(ARABIC, 2000) },
  { kind: 'Hindi', text: repeatTo(HINDI, 2000) },
  { kind: 'rare Han characters', text: randomFrom(RARE_HAN, 1000, 17) },
  { kind: 'newer emoji', text: repeatTo(NEWER_EMOJI, 600) },
  { kind: 'short Chinese question', text: '总结上面' },
  { kind: 'short English question', text: 'What is this?' },
];
