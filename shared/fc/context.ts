/**
 * The part of FC 3.0's Node.js `context` the bot reads (docs/function-compute.md §3). `credentials` are the
 * function role's STS credentials; FC may rotate them between invocations, so clients are built per invocation.
 */
export interface FcCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}

export interface FcContext {
  requestId: string;
  credentials: FcCredentials;
  function: { name: string; timeout?: number; memory?: number };
  region: string;
  accountId: string;
}

/** FC's account-scoped invoke host, which is what Serverless Devs' fc3 component uses for InvokeFunction. */
export function defaultInvokeEndpoint(context: Pick<FcContext, 'accountId' | 'region'>): string {
  return `https://${context.accountId}.${context.region}.fc.aliyuncs.com`;
}
