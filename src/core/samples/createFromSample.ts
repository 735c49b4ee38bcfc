import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SpecTaskInfo } from '../../api/spectaskApi';
import { openDesignDocs } from '../docs/openDesignDocs';
import type { GitQueueRegistry } from '../git/gitQueue';
import * as input from '../service/serviceInput';
import { copySample, initSampleRepository, readSamples, runSampleInstall } from './sampleCatalog';

/** What creating from a sample needs from its host (the extension; the CLI has no samples). */
export interface SampleCreationDeps {
  /** The extension's `samples/` folder. */
  readonly samplesDir: string;
  readonly registry: GitQueueRegistry;
  /** The implementation back-end a new SpecTask records (the user's setting). */
  readonly backend: () => string | undefined;
  /** The install command's output, line by line (the extension's log). */
  readonly log: (line: string) => void;
}

/** A sample as `listSamples` shows it. */
export interface SampleInfo {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly suggestedGoals: readonly string[];
}

export function listSamples(deps: SampleCreationDeps): SampleInfo[] {
  return readSamples(deps.samplesDir).map((s) => ({
    id: s.id,
    title: s.title,
    description: s.description,
    suggestedGoals: s.suggestedGoals ?? [],
  }));
}

const SAMPLE_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

/**
 * Creates a sample project in a new folder — a git repository with one commit and a design-docs branch — and its
 * first SpecTask from the goal (the sample's first suggested goal when none is given). The folder must not exist
 * yet, under an existing parent: nothing of the caller's is overwritten. The sample's install command (from our
 * own manifest) runs only when asked. The SpecTask is planned once the folder is opened in VS Code.
 */
export async function createSpecTaskFromSample(deps: SampleCreationDeps, raw: unknown): Promise<SpecTaskInfo> {
  const req = input.parseRecord(raw, 'the request');
  if (typeof req.sample !== 'string' || !SAMPLE_ID.test(req.sample))
    throw new Error('sample must be the id of a sample project (listSamples)');
  const sample = readSamples(deps.samplesDir).find((s) => s.id === req.sample);
  if (!sample) throw new Error(`no sample project '${req.sample}' (listSamples names them)`);
  const folder = newFolder(req.folder);
  const goal = input.parsePrompt(req.goal) ?? sample.suggestedGoals?.[0];
  if (!goal) throw new Error(`sample '${sample.id}' suggests no goal: give one`);
  const start = input.parseStart(req.start);
  if (req.install !== undefined && typeof req.install !== 'boolean') throw new Error('install must be true or false');

  copySample(sample.dir, folder);
  if (req.install && sample.installCommand?.length)
    await runSampleInstall(sample.installCommand, folder, deps.log).catch((e: Error) => {
      throw new Error(`the sample was copied to ${folder}, but its install step failed. ${e.message}`);
    });
  await initSampleRepository(folder, `Sample project: ${sample.title}`);
  const docs = await openDesignDocs(folder, { registry: deps.registry, createBranch: true });
  try {
    const firstLine = goal.split('\n')[0]!.trim();
    const created = await docs.store.create({
      title: input.parseTitle(firstLine.length > 80 ? `${firstLine.slice(0, 79)}…` : firstLine),
      prompt: goal,
      baseBranch: 'main',
      backend: deps.backend(),
    });
    const record =
      start === 'plan' ? await docs.store.transition(created.id, 'start_planning') : (await docs.store.get(created.id)).record;
    await deps.registry.forRepo(docs.repo.root).whenIdle();
    return {
      id: created.id,
      number: created.id,
      title: created.title,
      status: record?.status ?? 'backlog',
      repoRoot: docs.repo.root,
      agentWorking: false,
      progress: { done: 0, total: 0 },
    };
  } finally {
    docs.store.dispose();
  }
}

/** An absolute, normalized path that does not exist yet, under a parent folder that does. */
function newFolder(v: unknown): string {
  if (typeof v !== 'string' || !v || v.length > 1024 || v.includes('\u0000'))
    throw new Error('folder must be an absolute path of at most 1024 characters');
  if (!path.isAbsolute(v) || path.resolve(v) !== v.replace(/[\\/]+$/, ''))
    throw new Error('folder must be an absolute, normalized path (no "..")');
  if (fs.existsSync(v)) throw new Error(`${v} exists already: name a new folder`);
  const parent = path.dirname(v);
  if (!fs.statSync(parent, { throwIfNoEntry: false })?.isDirectory())
    throw new Error(`${parent} is not a folder: the new folder's parent must exist`);
  return path.resolve(v);
}
