import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments, parse } from 'yaml';
import { PINNED } from '../../e2e/support/agentClis';

/* eslint-disable @typescript-eslint/no-explicit-any -- manifests are plain YAML data walked by path */
// The worker's packaging (deploy/), checked offline: no cluster and no container engine are reachable here, so
// the Kubernetes manifests are validated against the Kubernetes JSON schemas (kubernetes-models), and the
// Dockerfile and the workflow example are checked for what the README promises about them.
const DEPLOY = path.resolve('deploy');

type Validatable = { validate(): void };
type ModelClass = new (data: unknown) => Validatable;

/** kubernetes-models is an ES module only; the test bundle is CommonJS, so it is loaded with import(). */
async function models(): Promise<Record<string, ModelClass>> {
  const load = (spec: string) => import(spec) as Promise<Record<string, ModelClass>>;
  const [apps, batch, core] = await Promise.all([
    load('kubernetes-models/apps/v1'),
    load('kubernetes-models/batch/v1'),
    load('kubernetes-models/v1'),
  ]);
  return { 'apps/v1/Deployment': apps.Deployment, 'batch/v1/Job': batch.Job, 'v1/Secret': core.Secret };
}

function manifests(): { file: string; doc: Record<string, any> }[] {
  const dir = path.join(DEPLOY, 'kubernetes');
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) =>
      parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map((d) => {
        assert.deepEqual(d.errors, [], `${f} is valid YAML`);
        return { file: f, doc: d.toJS() as Record<string, any> };
      }),
    );
}

describe('deploy/: the worker packaging, validated offline', function () {
  this.timeout(30_000);

  it('every Kubernetes manifest validates against the Kubernetes schemas', async () => {
    const byKind = await models();
    const docs = manifests();
    assert.deepEqual([...new Set(docs.map((d) => d.doc.kind))].sort(), ['Deployment', 'Job', 'Secret']);
    for (const { file, doc } of docs) {
      const Model = byKind[`${doc.apiVersion}/${doc.kind}`];
      assert.ok(Model, `${file}: no schema for ${doc.apiVersion} ${doc.kind}`);
      assert.doesNotThrow(() => new Model(doc).validate(), `${file}: ${doc.kind} ${doc.metadata?.name}`);
    }
  });

  it('the validation can fail: a Deployment without its selector is refused', async () => {
    const { 'apps/v1/Deployment': Deployment } = await models();
    const deployment = manifests().find((d) => d.doc.kind === 'Deployment')!.doc;
    const broken = structuredClone(deployment);
    delete broken.spec.selector;
    assert.throws(() => new Deployment(broken).validate(), /selector/);
  });

  it('workers have resources, a liveness probe, the Secrets, and the Job runs --until-idle', () => {
    const docs = manifests().map((d) => d.doc);
    const secrets = new Set(docs.filter((d) => d.kind === 'Secret').map((d) => d.metadata.name));
    for (const d of docs.filter((x) => x.kind !== 'Secret')) {
      const [c] = d.spec.template.spec.containers;
      assert.ok(c.resources?.requests?.cpu && c.resources?.limits?.memory, `${d.kind}: resources`);
      assert.ok(c.livenessProbe?.exec?.command?.join(' ').includes('spectask-worker-alive'), `${d.kind}: liveness`);
      assert.ok(!/:latest$/.test(c.image) && /:\d/.test(c.image), `${d.kind}: the image is pinned`);
      const used = [
        ...(c.envFrom ?? []).map((e: any) => e.secretRef?.name),
        ...(c.env ?? []).map((e: any) => e.valueFrom?.secretKeyRef?.name),
        ...(d.spec.template.spec.volumes ?? []).map((v: any) => v.secret?.secretName),
      ].filter(Boolean);
      for (const s of used) assert.ok(secrets.has(s), `${d.kind} uses Secret ${s}, defined in secrets.example.yaml`);
      assert.ok(used.includes('spectask-model-keys'), `${d.kind}: the model API keys come from a Secret`);
    }
    const job = docs.find((d) => d.kind === 'Job')!;
    assert.ok(job.spec.template.spec.containers[0].args.includes('--until-idle'));
  });

  it('the Dockerfile: a Debian Node image with git and bubblewrap, agent CLIs at the pinned versions', () => {
    const text = fs.readFileSync(path.join(DEPLOY, 'container', 'Dockerfile'), 'utf8');
    assert.match(text, /^ARG NODE_IMAGE=node:\d+-bookworm/m);
    assert.match(text, /apt-get install[^\n]*\bgit\b[^\n]*\bbubblewrap\b/);
    assert.match(text, new RegExp(`CLAUDE_CODE_VERSION=${PINNED.claude.replace(/\./g, '\\.')}\\b`));
    assert.match(text, new RegExp(`CODEX_VERSION=${PINNED.codex.replace(/\./g, '\\.')}\\b`));
    assert.match(text, new RegExp(`GEMINI_CLI_VERSION=${PINNED.gemini.replace(/\./g, '\\.')}\\b`));
    assert.ok(fs.existsSync(path.join(DEPLOY, 'container', 'entrypoint.sh')));
    assert.match(text, /^USER node$/m, 'agents do not run as root');
  });

  it('the GitHub Actions example parses and runs workers until idle', () => {
    const wf = parse(fs.readFileSync(path.join(DEPLOY, 'github-actions', 'spectask-workers.yml'), 'utf8'));
    const steps: { run?: string }[] = wf.jobs.worker.steps;
    assert.ok(steps.some((s) => s.run?.includes('spectask worker --until-idle')));
    assert.equal(wf.permissions.contents, 'write');
  });
});
