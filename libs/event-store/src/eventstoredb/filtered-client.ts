import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  AllStreamResolvedEvent,
  ChannelCredentialOptions,
  DNSClusterOptions,
  EventStoreDBClient,
  GossipClusterOptions,
  ReadPosition,
  SingleNodeOptions,
  StreamingRead,
} from '@eventstore/db-client';
// Deep imports of 6.x internals: the connection-string parser and the stream wrapper its own readAll returns.
import { parseConnectionString } from '@eventstore/db-client/dist/Client/parseConnectionString';
import { ReadStream } from '@eventstore/db-client/dist/streams/utils/ReadStream';
import { convertGrpcEvent } from '@eventstore/db-client/dist/utils/convertGrpcEvent';
import { Empty } from '@eventstore/db-client/generated/shared_pb';
import { StreamsClient } from '@eventstore/db-client/generated/streams_grpc_pb';
import { ReadReq } from '@eventstore/db-client/generated/streams_pb';

export interface FilteredReadAllOptions {
  readonly fromPosition: ReadPosition;
  readonly maxCount: number;
  readonly streamNamePrefixes: readonly string[];
}

/**
 * The 6.x client plus one read it lacks: `readAll` with a server-side stream-name filter. The server's Read RPC
 * accepts a filter on $all reads (the client only sends one for subscriptions), so product readers do not pull
 * every system event over the wire.
 */
export class FilteredEventStoreDbClient extends EventStoreDBClient {
  static fromConnectionString(connectionString: string): FilteredEventStoreDbClient {
    const options = parseConnectionString(connectionString);
    const common = {
      // The adapter relies on refusals arriving as WrongExpectedVersionError, whatever the string says.
      throwOnAppendFailure: true,
      keepAliveInterval: options.keepAliveInterval,
      keepAliveTimeout: options.keepAliveTimeout,
      defaultDeadline: options.defaultDeadline,
      connectionName: options.connectionName,
    };
    const discovery = {
      nodePreference: options.nodePreference,
      discoveryInterval: options.discoveryInterval,
      gossipTimeout: options.gossipTimeout,
      maxDiscoverAttempts: options.maxDiscoverAttempts,
    };
    const credentials = channelCredentialsOf(options);
    if (options.dnsDiscover) {
      const settings: DNSClusterOptions = { ...common, ...discovery, discover: options.hosts[0] };
      return new FilteredEventStoreDbClient(settings, credentials, options.defaultCredentials);
    }
    if (options.hosts.length > 1) {
      const settings: GossipClusterOptions = { ...common, ...discovery, endpoints: options.hosts };
      return new FilteredEventStoreDbClient(settings, credentials, options.defaultCredentials);
    }
    const settings: SingleNodeOptions = { ...common, endpoint: options.hosts[0] };
    return new FilteredEventStoreDbClient(settings, credentials, options.defaultCredentials);
  }

  readAllFiltered(options: FilteredReadAllOptions): StreamingRead<AllStreamResolvedEvent> {
    const all = new ReadReq.Options.AllOptions();
    if (options.fromPosition === 'start') all.setStart(new Empty());
    else if (options.fromPosition === 'end') all.setEnd(new Empty());
    else {
      all.setPosition(
        new ReadReq.Options.Position()
          .setCommitPosition(options.fromPosition.commit.toString())
          .setPreparePosition(options.fromPosition.prepare.toString()),
      );
    }
    const filter = new ReadReq.Options.FilterOptions()
      .setStreamIdentifier(new ReadReq.Options.FilterOptions.Expression().setPrefixList([...options.streamNamePrefixes]))
      .setCount(new Empty())
      .setCheckpointintervalmultiplier(1);
    const request = new ReadReq().setOptions(
      new ReadReq.Options()
        .setAll(all)
        .setReadDirection(ReadReq.Options.ReadDirection.FORWARDS)
        .setResolveLinks(false)
        .setCount(options.maxCount.toString())
        .setFilter(filter)
        .setUuidOption(new ReadReq.Options.UUIDOption().setString(new Empty())),
    );
    const createStream = this.GRPCStreamCreator(StreamsClient, 'readAllFiltered', (client) =>
      client.read(request, ...this.callArguments({}, { deadline: Infinity })),
    );
    return new ReadStream<AllStreamResolvedEvent>(createStream, convertGrpcEvent, {});
  }
}

function channelCredentialsOf(options: ReturnType<typeof parseConnectionString>): ChannelCredentialOptions {
  const insecure = options.tls === false;
  const file = (path: string) => readFileSync(resolve(process.cwd(), path));
  return {
    insecure,
    rootCertificate: !insecure && options.tlsCAFile ? file(options.tlsCAFile) : undefined,
    userCertFile: options.userCertFile ? file(options.userCertFile) : undefined,
    userKeyFile: options.userKeyFile ? file(options.userKeyFile) : undefined,
  };
}
