// Temporary probe (not a test): where an API process spends its time under commands + read-your-writes queries.
import { startProjector } from '../../../projector/test/support/projector-in-process';
import { examples, runningPair, startApi } from './api-harness';

async function main() {
  const api = (await startApi())!;
  await api.app.listen(0);
  const port = (api.app.getHttpServer().address() as { port: number }).port;
  const projector = await startProjector(api.config.databaseUrl);
  const auth = { Authorization: `Bearer ${api.token()}`, 'Content-Type': 'application/json' };
  const pairs = [];
  for (let i = 0; i < 10; i++) pairs.push(await runningPair(api));
  for (const path of [`/v1/programs/${pairs[0].programId}`, `/v1/programs/${pairs[0].programId}/pairs/${pairs[0].pairId}`, '/v1/programs']) {
    const times: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t = performance.now();
      const r = await fetch(`http://127.0.0.1:${port}${path}`, { headers: auth });
      await r.arrayBuffer();
      times.push(performance.now() - t);
    }
    console.log('sequential', path.split('/').length, times.map((x) => x.toFixed(0)).join(' '));
  }
  const rate = Number(process.argv[2] ?? 100);
  const mode = process.argv[3] ?? 'detail';
  const withQueries = mode !== 'commands';
  const lags: number[] = [];
  const cmd: number[] = [];
  const q: number[] = [];
  const started = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < rate * 8; i++) {
    const wait = started + (i * 1000) / rate - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const { programId, pairId } = pairs[i % pairs.length];
    pending.push((async () => {
      const t0 = performance.now();
      const r = await fetch(`http://127.0.0.1:${port}/v1/programs/${programId}/pairs/${pairId}/sessions`, { method: 'POST', headers: auth, body: JSON.stringify(examples.session()) });
      const t1 = performance.now();
      cmd.push(t1 - t0);
      const { position } = await r.json();
      if (!withQueries) return;
      const path = mode === 'overview' ? `/v1/programs/${programId}` : `/v1/programs/${programId}/pairs/${pairId}`;
      const qr = await fetch(`http://127.0.0.1:${port}${path}`, { headers: mode === 'nowait' ? auth : { ...auth, 'X-Min-Position': position } });
      await qr.arrayBuffer();
      const t2 = performance.now();
      q.push(t2 - t1);
      lags.push(t2 - t1);
    })());
  }
  await Promise.all(pending);
  const pct = (l: number[], p: number) => [...l].sort((a, b) => a - b)[Math.floor((l.length - 1) * p)]?.toFixed(1);
  console.log(JSON.stringify({ rate, mode, cmdP50: pct(cmd, 0.5), cmdP99: pct(cmd, 0.99), lagP50: pct(lags, 0.5), lagP99: pct(lags, 0.99) }));
  await projector.close();
  await api.close();
}
main();
