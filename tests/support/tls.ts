// A throwaway CA and a server certificate for localhost / *.localhost / 127.0.0.1 / ::1, made with
// the openssl CLI in a temp dir, for tests that need real HTTPS (the test IdP, an https edge).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestTls {
  dir: string;
  /** PEM of the CA that signed `cert`: give it to clients (e.g. the OIDC service's fetchCa). */
  caPem: string;
  caPath: string;
  key: string;
  cert: string;
  cleanup(): Promise<void>;
}

export async function makeTestTls(): Promise<TestTls> {
  const dir = await mkdtemp(join(tmpdir(), 'gatehouse-tls-'));
  const p = (f: string) => join(dir, f);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await run('openssl', [
    'req', '-x509', ...ec, '-keyout', p('ca.key'), '-out', p('ca.pem'), '-days', '2',
    '-subj', '/CN=Gatehouse Test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  await run('openssl', ['req', ...ec, '-keyout', p('server.key'), '-out', p('server.csr'), '-subj', '/CN=localhost']);
  await writeFile(
    p('server.ext'),
    [
      'subjectAltName=DNS:localhost,DNS:*.localhost,DNS:edge.localhost,DNS:*.edge.localhost,IP:127.0.0.1,IP:::1',
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature',
      'extendedKeyUsage=serverAuth',
    ].join('\n') + '\n',
  );
  await run('openssl', [
    'x509', '-req', '-in', p('server.csr'), '-CA', p('ca.pem'), '-CAkey', p('ca.key'), '-CAcreateserial',
    '-out', p('server.pem'), '-days', '2', '-extfile', p('server.ext'),
  ]);
  const [caPem, key, cert] = await Promise.all([
    readFile(p('ca.pem'), 'utf8'),
    readFile(p('server.key'), 'utf8'),
    readFile(p('server.pem'), 'utf8'),
  ]);
  return { dir, caPem, caPath: p('ca.pem'), key, cert, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
