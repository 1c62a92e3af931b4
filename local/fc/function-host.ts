import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';

export interface FunctionHostOptions {
  name: string;
  /** Absolute path of the built bundle (dist/<name>/index.js). */
  bundle: string;
  env: Record<string, string>;
  timeoutSeconds: number;
  memoryMb: number;
  credentials: { accessKeyId: string; accessKeySecret: string; securityToken: string };
  region: string;
  accountId: string;
  maxInstances?: number;
  /** The built instance runtime (dist/local/instance.js); defaults to the one beside this bundle. */
  instanceScript?: string;
  /** Receives the instances' stdout and stderr (the function's log); inherited from this process when absent. */
  onOutput?: (text: string) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; kind: 'error' | 'timeout' | 'crash'; error: string };
export type InvocationResult = Outcome & { durationMs: number };

interface Instance {
  child: ChildProcess;
  ready: Promise<void>;
  busy: boolean;
  /** The event of the invocation it runs now, so a fault harness can kill the instance that runs a given message. */
  event?: Buffer;
  /** Started with an environment since replaced (updateEnv): it takes no new invocation and stops once idle. */
  stale: boolean;
}

/**
 * Runs a function bundle the way FC 3.0 does: each invocation on an instance of its own (a child process), warm
 * instances reused, an instance killed when the invocation passes the function's timeout, a crash failing only the
 * invocation it was running.
 */
export function createFunctionHost(options: FunctionHostOptions) {
  const instances = new Set<Instance>();
  const waiting: Array<() => void> = [];
  const maxInstances = options.maxInstances ?? 10;
  let env = options.env;

  function spawnInstance(): Instance {
    const child = fork(options.instanceScript ?? join(__dirname, 'instance.js'), [options.bundle], {
      // LOCAL_STACK tells the bundles they run under `npm start`: their hints then say "edit .env and restart".
      env: { ...env, LOCAL_STACK: 'true', FC_FUNCTION_NAME: options.name, FC_REGION: options.region, FC_ACCOUNT_ID: options.accountId },
      stdio: ['ignore', options.onOutput ? 'pipe' : 'inherit', options.onOutput ? 'pipe' : 'inherit', 'ipc'],
      // As on FC: no --enable-source-maps (the bundles map the stacks they log: shared/logging/source-mapped-stack.ts).
      execArgv: [],
    });
    if (options.onOutput) {
      child.stdout?.on('data', (chunk: Buffer) => options.onOutput?.(chunk.toString('utf8')));
      child.stderr?.on('data', (chunk: Buffer) => options.onOutput?.(chunk.toString('utf8')));
    }
    const ready = new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`instance exited with ${code} while starting`)));
    });
    ready.catch(() => undefined);
    const instance: Instance = { child, ready, busy: false, stale: false };
    child.once('exit', () => {
      instances.delete(instance);
      // A stopped stale instance frees its slot: an invocation waiting for one may start now.
      waiting.shift()?.();
    });
    instances.add(instance);
    return instance;
  }

  async function acquire(): Promise<Instance> {
    for (;;) {
      const idle = [...instances].find((instance) => !instance.busy && !instance.stale);
      if (idle) return Object.assign(idle, { busy: true });
      if (instances.size < maxInstances) return Object.assign(spawnInstance(), { busy: true });
      await new Promise<void>((resolve) => waiting.push(resolve));
    }
  }

  function release(instance: Instance): void {
    instance.busy = false;
    if (instance.stale) instance.child.kill('SIGKILL');
    waiting.shift()?.();
  }

  /**
   * A new environment, as after FC's UpdateFunction: invocations that start later run on instances started with it.
   * Idle instances stop now; busy ones finish their invocation on the old environment, then stop. (How FC retires the
   * old instances is not in docs/function-compute.md; this is the behaviour a configuration change needs locally.)
   */
  function updateEnv(next: Record<string, string>): void {
    env = { ...next };
    for (const instance of instances) {
      instance.stale = true;
      if (!instance.busy) instance.child.kill('SIGKILL');
    }
  }

  async function invoke(event: Buffer, requestId: string = randomUUID()): Promise<InvocationResult> {
    const started = Date.now();
    const instance = await acquire();
    instance.event = event;
    const context = {
      requestId,
      credentials: options.credentials,
      function: { name: options.name, handler: 'index.handler', memory: options.memoryMb, timeout: options.timeoutSeconds },
      region: options.region,
      accountId: options.accountId,
    };
    const outcome = await new Promise<InvocationResult>((resolve) => {
      const done = (result: Outcome): void => {
        clearTimeout(timer);
        instance.child.off('message', onMessage);
        instance.child.off('exit', onExit);
        resolve({ ...result, durationMs: Date.now() - started });
      };
      const onMessage = (raw: unknown): void => {
        const message = raw as { type: string; id: string; ok: boolean; value?: unknown; error?: string };
        if (message.type !== 'result' || message.id !== requestId) return;
        done(message.ok ? { ok: true, value: message.value } : { ok: false, kind: 'error', error: message.error ?? 'error' });
      };
      const onExit = (code: number | null): void => done({ ok: false, kind: 'crash', error: `instance exited with ${code}` });
      const timer = setTimeout(() => {
        instance.child.kill('SIGKILL');
        done({ ok: false, kind: 'timeout', error: `timed out after ${options.timeoutSeconds}s` });
      }, options.timeoutSeconds * 1000);
      instance.child.on('message', onMessage);
      instance.child.once('exit', onExit);
      instance.ready.then(
        () => instance.child.send({ type: 'invoke', id: requestId, event: event.toString('base64'), context }),
        (error: Error) => done({ ok: false, kind: 'crash', error: error.message }),
      );
    });
    delete instance.event;
    release(instance);
    return outcome;
  }

  /**
   * Kills the instances whose current invocation's event matches (every running one by default), as an
   * out-of-memory kill would on FC, and resolves with how many once they have exited: tests and the fault soak kill
   * the worker at a chosen step of a chosen message.
   */
  async function crashInstancesRunning(matches: (event: Buffer) => boolean = () => true): Promise<number> {
    const running = [...instances].filter((instance) => instance.event !== undefined && matches(instance.event));
    await Promise.all(running.map((instance) => killAndWait(instance)));
    return running.length;
  }

  async function close(): Promise<void> {
    await Promise.all([...instances].map(killAndWait));
  }

  return { name: options.name, invoke, updateEnv, crashInstancesRunning, close };
}

function killAndWait(instance: Instance): Promise<void> {
  return new Promise<void>((resolve) => {
    if (instance.child.exitCode !== null || instance.child.signalCode !== null) return resolve();
    instance.child.once('exit', () => resolve());
    instance.child.kill('SIGKILL');
  });
}

export type FunctionHost = ReturnType<typeof createFunctionHost>;
