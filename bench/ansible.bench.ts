/**
 * Cost of a virtseal module call under ansible-core: 20 invocations each of virtseal.core.ping (Node, arguments
 * embedded, pipelined), the same module through the WANT_JSON args file (never pipelined), and ansible.builtin.ping
 * (the equivalent trivial Python module) in one playbook run, on localhost and over SSH (OpenSSH on loopback),
 * pipelining on. The candidates alternate in rounds so load drift hits all of them alike; the figure per call is the
 * median loop-item duration. Prints ms per call and the ratio node/python (target <= 0.6 on localhost).
 */
import { loadavg } from 'node:os';
import { AnsibleWorkspace, taskResult } from '../test/helpers/ansible';
import { startSshd } from '../test/helpers/sshd';

const N = 20;
const ROUNDS = 4;
const CANDIDATES = [
  { key: 'node', module: 'virtseal.core.ping', label: 'virtseal.core.ping (node, embedded args)' },
  { key: 'python', module: 'ansible.builtin.ping', label: 'ansible.builtin.ping (python)' },
  { key: 'want_json', module: 'virtseal.core.ping_want_json', label: 'virtseal ping via WANT_JSON file' },
] as const;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export default async function ansibleBench(): Promise<void> {
  const ws = new AnsibleWorkspace();
  const sshd = await startSshd();
  try {
    ws.install(await ws.buildCollection('embedded', { wantJsonTwins: true }));
    const inventory = ws.inventory(sshd);
    const rounds = Array.from({ length: ROUNDS }, (_, r) => r);
    const plays = ['local', 'ssh'].map((host) => ({
      hosts: host,
      gather_facts: false,
      tasks: [
        // Warm-up: first SSH connection, ansible's first-use caches, node's and python's file caches.
        ...CANDIDATES.map((c) => ({ name: `warm ${c.key}`, [c.module]: {} })),
        ...rounds.flatMap((r) =>
          CANDIDATES.map((c) => ({
            name: `bench ${c.key} ${r}`,
            [c.module]: { data: 'bench' },
            loop: `{{ range(${N / ROUNDS}) | list }}`,
          })),
        ),
      ],
    }));
    const load = loadavg()[0]!.toFixed(1);
    const run = await ws.runPlaybook(plays, { inventory });
    if (run.code !== 0 || !run.report)
      throw new Error(`playbook failed (${run.code}): ${run.stderr || run.stdout.slice(-2000)}`);
    console.log(
      `   ${N} invocations per module in one ansible-playbook run, ANSIBLE_PIPELINING=True, ${ROUNDS} alternating rounds, median per call (load average ${load})`,
    );
    for (const host of ['local', 'ssh']) {
      const ms: Record<string, number> = {};
      for (const c of CANDIDATES) {
        const durations: number[] = [];
        for (const r of rounds) {
          const res = taskResult(run.report, `bench ${c.key} ${r}`, host);
          if (res.status !== 'ok') throw new Error(`${c.module} on ${host}: ${res.status}`);
          for (const [i, t] of res.items.entries()) durations.push((t - (i === 0 ? 0 : res.items[i - 1]!)) * 1000);
        }
        if (durations.length !== N)
          throw new Error(`${c.module} on ${host}: ${durations.length} item timings, expected ${N}`);
        ms[c.key] = median(durations);
      }
      const where = host === 'local' ? 'localhost (local connection)' : 'OpenSSH on loopback (ssh, pipelining)';
      console.log(`   ${where}:`);
      for (const c of CANDIDATES)
        console.log(`     ${c.label.padEnd(42)} ${ms[c.key]!.toFixed(0).padStart(5)} ms/call`);
      const ratio = ms.node! / ms.python!;
      const target = host === 'local' ? ` (target <= 0.6: ${ratio <= 0.6 ? 'met' : 'NOT met'})` : '';
      console.log(
        `     ratio node/python ${ratio.toFixed(2)}${target}; WANT_JSON/embedded ${(ms.want_json! / ms.node!).toFixed(2)}`,
      );
    }
  } finally {
    ws.close();
    await sshd.stop();
  }
}
