/**
 * A throwaway self-signed certificate for 127.0.0.1 and localhost, written to a temporary file so
 * a child process can trust it through NODE_EXTRA_CA_CERTS (which Node reads only at start-up).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generate } from 'selfsigned';

/** The key and certificate (PEM), and the path of the certificate file. */
export interface SelfSignedCertificate {
  key: string;
  cert: string;
  certPath: string;
}

/** Generates a one-day certificate that is its own CA, valid for 127.0.0.1 and localhost. */
export function selfSignedCertificate(): SelfSignedCertificate {
  const pems = generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keySize: 2048,
    days: 1,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', keyCertSign: true, digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }] },
    ],
  });
  const certPath = path.join(mkdtempSync(path.join(os.tmpdir(), 'crosstalk-tls-')), 'ca.pem');
  writeFileSync(certPath, pems.cert);
  return { key: pems.private, cert: pems.cert, certPath };
}
