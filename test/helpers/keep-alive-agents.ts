import { createKeepAliveAgents, type KeepAliveAgents } from '../../shared/http/keep-alive-agents';

/**
 * A keep-alive agent pair for the tests of one file, as the worker keeps one per instance, destroyed after the
 * file so that no idle socket keeps jest waiting. `create` swaps in agents that record what they do.
 */
export function useKeepAliveAgents(create: () => KeepAliveAgents = createKeepAliveAgents): () => KeepAliveAgents {
  let agents: KeepAliveAgents | undefined;
  beforeAll(() => {
    agents = create();
  });
  afterAll(() => {
    agents?.http.destroy();
    agents?.https.destroy();
  });
  return () => {
    if (agents === undefined) throw new Error('the agents exist only while the tests run');
    return agents;
  };
}
