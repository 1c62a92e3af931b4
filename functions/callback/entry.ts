import { loadFunctionHandler } from '../../shared/fc/function-entry';

// dist/callback/index.js, what s.yaml's `index.handler` names: loads the function (index.ts, bundled into function.js
// beside it) through its V8 code cache.
export const handler = loadFunctionHandler({
  dir: __dirname,
  entryModule: module,
  service: 'dingtalk-callback',
  defaultFunctionName: 'dingtalk-llm-callback',
});
