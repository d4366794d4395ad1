// `gatehouse start`: the app without a window. The same service and renderer as the desktop
// app, served on a loopback web address. Also how Gatehouse runs in a container.
import { logLevelFlag, parseFlags, UsageError } from './flags.ts';
import { stopSignal } from './stop-signal.ts';
import { createAppService } from '../app/service.ts';
import { startWebServer } from '../app/web-server.ts';
import { createLogger } from '../common/log.ts';
import { parseHostPort } from '../common/net.ts';

const USAGE = `Usage: gatehouse start [--web-addr 127.0.0.1:4040] [--edge-addr 127.0.0.1:8080] [--config-dir DIR] [--log-level info]`;

export async function runStart(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    {
      'web-addr': { type: 'string', default: '127.0.0.1:4040' },
      'edge-addr': { type: 'string' },
      'config-dir': { type: 'string' },
      'log-level': { type: 'string', default: 'info' },
    },
    USAGE,
  );
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"\n\n${USAGE}`);
  const web = parseHostPort(values['web-addr'], '127.0.0.1');
  if (values['edge-addr'] !== undefined) parseHostPort(values['edge-addr'], '127.0.0.1');
  const log = createLogger({ level: logLevelFlag(values['log-level']) });
  const service = await createAppService({ shell: 'headless', configDir: values['config-dir'], edgeAddr: values['edge-addr'], log });
  let server;
  try {
    server = await startWebServer(service, web.host, web.port, log);
  } catch (err) {
    await service.close();
    throw err;
  }
  const signal = stopSignal();
  console.log(`Web Interface                 ${server.url}`);
  const info = await service.getInfo();
  if (info.edge.status === 'error') console.log(`Edge                          ${info.edge.reason}`);
  else if (info.redirectUri) console.log(`Redirect URI                  ${info.redirectUri}`);
  await signal;
  await server.close();
  await service.close();
  return 0;
}
