import type { TurnFigures } from '../playground-api';

const ms = (value: number | undefined) => (value === undefined ? '—' : `${Math.round(value)} ms`);

function rows(figures: TurnFigures | undefined): Array<{ key: string; label: string; value: string; title?: string }> {
  const oss = figures?.ossRequests;
  const prompt = figures?.promptTokens;
  const completion = figures?.completionTokens;
  return [
    { key: 'ackMs', label: '确认 ack', value: ms(figures?.ackMs) },
    { key: 'firstTokenMs', label: '首个 token', value: ms(figures?.firstTokenMs) },
    { key: 'firstCardUpdateMs', label: '首次卡片更新', value: ms(figures?.firstCardUpdateMs) },
    { key: 'answerMs', label: '完成回答', value: ms(figures?.answerMs) },
    {
      key: 'ossRequests',
      label: 'OSS 请求',
      value: oss === undefined ? '—' : `${oss}${figures?.ossShared ? '（含并发轮次）' : ''}`,
      ...(figures?.ossShared ? { title: '同一时间还有其他轮次在运行，计数包含它们的请求' } : {}),
    },
    {
      key: 'tokens',
      label: '模型 token (输入/输出)',
      value: prompt === undefined && completion === undefined ? '—' : `${prompt ?? '—'} / ${completion ?? '—'}`,
    },
  ];
}

/** The selected turn's figures, in ms from the moment the callback was sent (TurnFigures). */
export function FiguresPanel({ figures, msgId }: { figures: TurnFigures | undefined; msgId: string | undefined }) {
  return (
    <section class="panel figures" data-testid="figures-panel" data-msgid={msgId ?? ''} data-done={figures?.done ?? false}>
      <h2>
        指标
        <span class="panel-sub">{msgId === undefined ? '尚未发送消息' : figures?.done ? '本轮已结束' : '进行中…'}</span>
      </h2>
      <dl>
        {rows(figures).map((row) => (
          <div class="figure" key={row.key} title={row.title}>
            <dt>{row.label}</dt>
            <dd data-testid={`figure-${row.key}`}>{row.value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
