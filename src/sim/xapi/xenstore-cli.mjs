// The xenstore-read/-write/-rm/-list/-exists/-chmod commands as a guest of the fake XAPI pool runs them: one
// request per run to the fake's xenstore over a Unix socket, as this guest's domain. Output, messages and exit
// codes follow xenstore-utils (tools/xenstore/xenstore_client.c): values one per line, "couldn't read path" on
// stderr with exit 1. Plain JavaScript so that a guest starts it without a compiler.
import { connect } from 'node:net';
import { basename } from 'node:path';

const tool = process.argv[2] ?? basename(process.argv[1] ?? '');
const args = process.argv.slice(3);
const socket = connect(process.env.VIRTSEAL_XS_SOCKET ?? '');
let reply = '';
socket.on('data', (d) => (reply += d));
socket.on('error', (e) => {
  process.stderr.write(`${tool}: xs_open: ${e.message}\n`);
  process.exit(1);
});
socket.on('end', () => {
  let r;
  try {
    r = JSON.parse(reply);
  } catch {
    process.stderr.write(`${tool}: connection to xenstore reset\n`);
    process.exit(1);
  }
  process.stdout.write(r.out ?? '');
  process.stderr.write(r.err ?? '');
  process.exit(r.code ?? 1);
});
socket.end(JSON.stringify({ tool, args, domid: Number(process.env.VIRTSEAL_XS_DOMID) }));
