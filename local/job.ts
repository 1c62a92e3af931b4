import { localEnvironment, projectRoot } from './local-env';
import { clockTime, timeZoneLabel } from './logs/time-zone';
import { LOCAL_TIMER_PATH, type TimerSubmission } from './timer-endpoint';

/**
 * `npm run job -- <name>`: runs a job of the channels config now, as its FC timer trigger would (the local stack
 * queues the timer event for the worker), and says where the answer goes: the robot, and for the local robot the
 * `npm start` terminal, which prints what it receives.
 */
async function main(): Promise<void> {
  const [job] = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
  if (!job) {
    console.error('用法 / usage: npm run job -- <任务名 job name>');
    process.exitCode = 1;
    return;
  }
  const { env } = localEnvironment(projectRoot());
  const target = `http://127.0.0.1:${env['LOCAL_PORT'] ?? 9000}${LOCAL_TIMER_PATH}`;
  let response: Response;
  try {
    response = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ job }) });
  } catch (error) {
    console.error(`无法连接本地服务 / cannot reach ${target}: ${(error as Error).message}. 先运行 npm start`);
    process.exitCode = 1;
    return;
  }
  const body = (await response.json()) as Partial<TimerSubmission> & { error?: string; jobs?: string[] };
  if (response.status !== 202) {
    console.error(`任务未提交 / not submitted: ${body.error ?? response.status}${body.jobs ? `（已配置的任务 jobs: ${body.jobs.join(', ') || '-'}）` : ''}`);
    process.exitCode = 1;
    return;
  }
  console.log(`定时任务 ${job} 已提交 / submitted as FC's timer would (triggerTime ${body.triggerTime}${localTime(body.triggerTime)}, request ${body.requestId})
  回答发往群机器人 / the answer goes to robot: ${body.robot} (${body.webhookHost})
  本地机器人的回答打印在 npm start 的终端里 / a local robot's answer is printed in the npm start terminal`);
}

/** FC's triggerTime is UTC; beside it, the same instant on this machine's clock with its zone. */
function localTime(triggerTime: string | undefined): string {
  const at = Date.parse(triggerTime ?? '');
  return Number.isFinite(at) ? ` = ${clockTime(at).slice(0, 8)} ${timeZoneLabel(undefined, at)}` : '';
}

void main();
