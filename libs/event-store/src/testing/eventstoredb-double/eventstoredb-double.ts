/**
 * TEST DOUBLE of EventStoreDB's client-facing gRPC API, not a server: an in-process @grpc/grpc-js service
 * registered with the service definitions shipped in @eventstore/db-client, so the real client can append,
 * read and subscribe against it in tests where no EventStoreDB can run. It keeps everything in memory, listens
 * insecurely on 127.0.0.1, and can drop subscriptions or go away and come back on the same port.
 */
import {
  Server,
  ServerCredentials,
  ServerDuplexStream,
  ServerReadableStream,
  ServerUnaryCall,
  ServerWritableStream,
  sendUnaryData,
  status,
} from '@grpc/grpc-js';
import { ServerFeaturesService } from '@eventstore/db-client/generated/serverfeatures_grpc_pb';
import { SupportedMethod, SupportedMethods } from '@eventstore/db-client/generated/serverfeatures_pb';
import { Empty } from '@eventstore/db-client/generated/shared_pb';
import { StreamsService } from '@eventstore/db-client/generated/streams_grpc_pb';
import { AppendReq, AppendResp, BatchAppendReq, BatchAppendResp, ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb';
import { handleAppend, handleBatchAppend } from './append-handlers';
import { DoubleLog } from './double-log';
import { ReadHandler } from './read-handler';

export interface EventStoreDbDoubleOptions {
  /** Advertise Streams.BatchAppend in ServerFeatures (the client then appends with it); otherwise UNIMPLEMENTED. */
  readonly batchAppend?: boolean;
  /** Write a `$statsCollected` event after every this many client appends, as the server's stats collector does. */
  readonly statsEvery?: number;
}

export interface DoubleCallCounts {
  append: number;
  batchAppend: number;
  read: number;
  serverFeatures: number;
}

const STREAMS_SERVICE = 'event_store.client.streams.Streams';
const STATS_STREAM = '$stats-127.0.0.1:2113';

export class EventStoreDbDouble {
  readonly log = new DoubleLog();
  readonly calls: DoubleCallCounts = { append: 0, batchAppend: 0, read: 0, serverFeatures: 0 };
  private readonly reads = new ReadHandler(this.log);
  private server?: Server;
  private port = 0;
  private appendsSinceStats = 0;

  private constructor(private readonly options: EventStoreDbDoubleOptions) {
    this.seedSystemStreams();
    this.log.onWritten((events) => this.afterClientAppend(events[0]?.streamName));
  }

  static async start(options: EventStoreDbDoubleOptions = {}): Promise<EventStoreDbDouble> {
    const double = new EventStoreDbDouble(options);
    await double.listen();
    return double;
  }

  get connectionString(): string {
    return `esdb://127.0.0.1:${this.port}?tls=false`;
  }

  get running(): boolean {
    return this.server !== undefined;
  }

  get openSubscriptions(): number {
    return this.reads.openSubscriptions;
  }

  /** Events written to subscriptions so far: a paused subscriber gets only what flow control lets through. */
  get eventsSentToSubscribers(): number {
    return this.reads.eventsSentToSubscribers;
  }

  /** Ends every open subscription call with UNAVAILABLE; returns how many were dropped. */
  dropSubscriptions(): number {
    return this.reads.dropSubscriptions();
  }

  /** Writes a system event, e.g. to put `$`-prefixed noise between product events. */
  appendSystemEvent(streamName: string, type: string, data: unknown = {}): void {
    this.log.appendSystemEvent(streamName, type, data);
  }

  /** Goes away as a crashed server would: every call is cut and new connections are refused. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.reads.dropSubscriptions();
    server.forceShutdown();
  }

  /** Comes back on the same port with the same log. */
  async restart(): Promise<void> {
    await this.stop();
    await this.listen();
  }

  private async listen(): Promise<void> {
    const server = new Server();
    const append = handleAppend(this.log);
    const batchAppend = handleBatchAppend(this.log);
    server.addService(StreamsService, {
      read: (call: ServerWritableStream<ReadReq, ReadResp>) => {
        this.calls.read++;
        this.reads.read(call);
      },
      append: (call: ServerReadableStream<AppendReq, AppendResp>, reply: sendUnaryData<AppendResp>) => {
        this.calls.append++;
        append(call, reply);
      },
      batchAppend: (call: ServerDuplexStream<BatchAppendReq, BatchAppendResp>) => {
        this.calls.batchAppend++;
        batchAppend(call);
      },
    });
    server.addService(ServerFeaturesService, { getSupportedMethods: this.supportedMethods });
    this.port = await bindWithRetry(server, this.port);
    this.server = server;
  }

  private readonly supportedMethods = (_call: ServerUnaryCall<Empty, SupportedMethods>, reply: sendUnaryData<SupportedMethods>) => {
    this.calls.serverFeatures++;
    if (!this.options.batchAppend) {
      return reply({ code: status.UNIMPLEMENTED, details: 'ServerFeatures is not implemented' });
    }
    const methods = new SupportedMethods().setEventStoreServerVersion('23.10.0-test-double');
    for (const name of ['read', 'append', 'batchappend']) {
      methods.addMethods(new SupportedMethod().setServiceName(STREAMS_SERVICE.toLowerCase()).setMethodName(name));
    }
    reply(null, methods);
  };

  private afterClientAppend(streamName: string | undefined): void {
    if (!streamName || streamName.startsWith('$')) return;
    const every = this.options.statsEvery ?? 2;
    if (every <= 0 || ++this.appendsSinceStats < every) return;
    this.appendsSinceStats = 0;
    // After the current write has reached every listener, so subscribers still see $all in order.
    queueMicrotask(() => this.log.appendSystemEvent(STATS_STREAM, '$statsCollected', { 'proc-cpu': 0.1 }));
  }

  private seedSystemStreams(): void {
    this.log.appendSystemEvent(`$$${STATS_STREAM}`, '$metadata', { $maxAge: 86400 });
    this.log.appendSystemEvent(STATS_STREAM, '$statsCollected', { 'proc-cpu': 0.2 });
    this.log.appendSystemEvent('$settings', '$settings', { $userStreamAcl: { $r: '$all' } });
  }
}

async function bindWithRetry(server: Server, port: number): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await new Promise<number>((resolve, reject) =>
        server.bindAsync(`127.0.0.1:${port}`, ServerCredentials.createInsecure(), (error, bound) =>
          error ? reject(error) : resolve(bound),
        ),
      );
    } catch (error) {
      // Restarting on the same port: the previous listener may take a moment to release it.
      if (port === 0 || attempt >= 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
