import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { ProcessorHost } from '../engine/processor-host';
import { PROJECTOR_SETTINGS } from '../projector.tokens';
import { ProjectorSettings } from '../projector-settings';
import { metricsText } from './metrics-text';
import { OperatorAccess } from './operator-access';

/**
 * The projector's small HTTP port:
 *   GET /health/live  200 while the process runs
 *   GET /health       200 when the event store answers and every read model is live within the lag bound (or
 *                     standing by), else 503; its details list every processor (engine figures and its own),
 *                     and keep the sections dashboards read before: projections, publishing, auditAnchors
 *   GET /metrics      Prometheus text format
 * With METRICS_TOKEN set (see OperatorAccess), /metrics and the details of /health need the token: without an
 * Authorization header /health answers only its status, with a wrong one 401.
 */
@Injectable()
export class HealthServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Health');
  private server?: Server;
  private readonly access: OperatorAccess;

  constructor(
    private readonly host: ProcessorHost,
    @Inject(PROJECTOR_SETTINGS) private readonly settings: ProjectorSettings,
  ) {
    this.access = new OperatorAccess(settings.metricsToken);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.settings.healthPort === undefined) return;
    this.server = createServer((request, response) => this.answer(request, response));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.settings.healthPort, this.access.bindAddress, () => resolve());
    });
    const who = this.access.tokenRequired
      ? '/metrics and health details need Authorization: Bearer <METRICS_TOKEN>'
      : 'loopback only; set METRICS_TOKEN to serve other hosts';
    this.logger.log(`Health and metrics on http://${this.access.bindAddress}:${this.port()}/ (/health, /metrics; ${who})`);
  }

  port(): number | undefined {
    return (this.server?.address() as AddressInfo | null)?.port;
  }

  async onApplicationShutdown(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  health() {
    const engines = this.host.engines;
    const readModels = engines.filter((engine) => engine.processor.readModel);
    const ready =
      this.host.isRunning && this.host.reach.reachable && readModels.every((engine) => engine.status.ready(this.settings.readyMaxLagSeconds));
    // Sections from before the processors had one list; null when the processor does not run in this process.
    const sections: Record<string, unknown> = { publishing: null, auditAnchors: null };
    const processors = engines.map((engine) => {
      const snapshot = engine.status.snapshot();
      const section = engine.processor.healthSection;
      if (section) sections[section.key] = section.body(snapshot);
      return { ...snapshot, ...engine.processor.health?.(snapshot) };
    });
    return {
      status: ready ? 'ready' : 'unready',
      maxLagSeconds: this.settings.readyMaxLagSeconds,
      eventStore: this.host.reach.snapshot(),
      processors,
      projections: readModels.map((engine) => engine.status.snapshot()),
      ...sections,
    };
  }

  private answer(request: IncomingMessage, response: ServerResponse): void {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET') return this.send(response, 405, 'text/plain', 'Method not allowed\n');
    if (path === '/health/live') return this.send(response, 200, 'application/json', JSON.stringify({ status: 'alive' }));
    if (path !== '/health' && path !== '/metrics') return this.send(response, 404, 'text/plain', 'Not found\n');
    const caller = this.access.callerOf(request.headers.authorization);
    if (caller === 'refused' || (caller === 'anyone' && path === '/metrics')) return this.refuse(response);
    if (path === '/health') {
      const health = this.health();
      // Orchestrators need only the code; the details (error texts, positions) are for the operator.
      const body = caller === 'operator' ? health : { status: health.status };
      return this.send(response, health.status === 'ready' ? 200 : 503, 'application/json', JSON.stringify(body));
    }
    this.send(response, 200, 'text/plain; version=0.0.4', metricsText(this.host.engines, this.host.reach));
  }

  private refuse(response: ServerResponse): void {
    response.setHeader('WWW-Authenticate', 'Bearer realm="flipside-projector"');
    this.send(response, 401, 'text/plain', 'Send Authorization: Bearer <METRICS_TOKEN> for /metrics and health details\n');
  }

  private send(response: ServerResponse, status: number, type: string, body: string): void {
    response.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
    response.end(body);
  }
}
