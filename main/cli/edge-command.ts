// `gatehouse edge`: the standalone edge (issue 5). Not built yet.
import { UsageError } from './flags.ts';

export async function runEdge(_argv: string[]): Promise<number> {
  throw new UsageError('the standalone edge is not available in this build yet; use `gatehouse http` with its embedded edge');
}
