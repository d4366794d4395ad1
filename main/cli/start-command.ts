// `gatehouse start`: headless app (issue 4). Not built yet.
import { UsageError } from './flags.ts';

export async function runStart(_argv: string[]): Promise<number> {
  throw new UsageError('headless mode is not available in this build yet');
}
