import { resolveExpression, type SYaml } from './deployed-env';

/**
 * The NODE_OPTIONS a function is deployed with: its s.yaml environmentVariables entry, Serverless Devs expressions
 * resolved as `s deploy` would with default values. Absent or empty means node runs without any.
 */
export function deployedNodeOptions(spec: SYaml, resource: string): string {
  const props = spec.resources[resource]?.props;
  if (props === undefined) throw new Error(`s.yaml has no resource "${resource}"`);
  const value = props.environmentVariables?.['NODE_OPTIONS'];
  if (value === undefined || value === null) return '';
  return resolveExpression(spec, value).trim();
}

/** How a figure names the flags it ran with. */
export const describeNodeOptions = (options: string): string => (options === '' ? 'no NODE_OPTIONS (as s.yaml deploys)' : `NODE_OPTIONS="${options}" (as s.yaml deploys)`);
