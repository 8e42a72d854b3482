// Temporary probe: CPU per query in the API process (no projector running).
import { catchUpReadModels } from './read-models';
import { examples, runningPair, startApi } from './api-harness';

async function main() {
  const api = (await startApi())!;
  const auth = { Authorization: `Bearer ${api.token()}` };
  const pair = await runningPair(api);
  await api.http().post(`/v1/programs/${pair.programId}/pairs/${pair.pairId}/sessions`).set(auth).send(examples.session());
  await catchUpReadModels(api);
  await api.app.listen(0);
  const port = (api.app.getHttpServer().address() as { port: number }).port;
  for (const [name, path] of [
    ['overview', `/v1/programs/${pair.programId}`],
    ['pair', `/v1/programs/${pair.programId}/pairs/${pair.pairId}`],
    ['pairs', `/v1/programs/${pair.programId}/pairs`],
    ['live', '/health/live'],
  ]) {
    for (let i = 0; i < 50; i++) await (await fetch(`http://127.0.0.1:${port}${path}`, { headers: auth })).arrayBuffer();
    const cpu = process.cpuUsage();
    const t = performance.now();
    for (let i = 0; i < 300; i++) await (await fetch(`http://127.0.0.1:${port}${path}`, { headers: auth })).arrayBuffer();
    const used = process.cpuUsage(cpu);
    console.log(name, 'wall ms/query', ((performance.now() - t) / 300).toFixed(2), 'cpu ms/query', ((used.user + used.system) / 1000 / 300).toFixed(2));
  }
  await api.close();
}
main();
