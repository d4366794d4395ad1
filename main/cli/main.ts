// `gatehouse <command>`: dispatch, with errors printed as one clear line and a non-zero exit.
import { VERSION } from '../common/version.ts';
import { UsageError } from './flags.ts';

const HELP = `Gatehouse ${VERSION}: put a local web app on a shareable URL behind single sign-on.

Usage:
  gatehouse http <port|host:port|url> [flags]   Start a tunnel to a local app (embedded edge by default)
  gatehouse edge [flags]                         Run a standalone edge for agents to connect to
  gatehouse start [flags]                        Run the app headless: the UI at the web address
  gatehouse version

Run \`gatehouse <command> --help\` for a command's flags.`;

const COMMANDS: Record<string, () => Promise<{ run(argv: string[]): Promise<number> }>> = {
  http: async () => ({ run: (await import('./http-command.ts')).runHttp }),
  edge: async () => ({ run: (await import('./edge-command.ts')).runEdge }),
  start: async () => ({ run: (await import('./start-command.ts')).runStart }),
};

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === 'help' || cmd === '--help' || cmd === '-h') {
    console.log(HELP);
    return cmd ? 0 : 2;
  }
  if (cmd === 'version' || cmd === '--version' || cmd === '-v') {
    console.log(`gatehouse ${VERSION}`);
    return 0;
  }
  const load = COMMANDS[cmd];
  if (!load) {
    console.error(`gatehouse: unknown command "${cmd}"\n\n${HELP}`);
    return 2;
  }
  try {
    return await (await load()).run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`gatehouse ${cmd}: ${err.message}`);
      return 2;
    }
    console.error(`gatehouse ${cmd}: ${(err as Error).message}`);
    return 1;
  }
}
