// The "did you mean" lookup is the shared rules' (runtime schema/closest-name.ts): one helper for the front-ends,
// the shared checker and the CLI, so a hint never depends on which of them noticed the mistake.
export { closestName, editDistance } from '@parquetframe/runtime/schema'
