import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

// The sample projects shipped in samples/ (issue 8): each is scaffolded into a user's folder as a git
// repository, so each must carry a valid sample.json manifest, a README.md and a .gitignore, and nothing
// generated (dependencies, build output, caches). Their own tests run in scripts/verify-samples.sh.
const SAMPLES_DIR = path.resolve('samples');
const REQUIRED_SAMPLES = ['empty-project', 'express-todo-api', 'fastapi-service', 'react-dashboard'];
const GENERATED = new Set(['node_modules', 'dist', '__pycache__', '.venv', '.pytest_cache', 'package-lock.json']);
const IGNORED = ['node_modules', 'dist', '__pycache__', '.venv'];

interface SampleManifest {
  id: string;
  title: string;
  description: string;
  language: string;
  testCommand: string[];
  runCommand: string[];
  installCommand?: string[];
  buildCommand?: string[];
  suggestedGoals: string[];
}

function sampleDirs(): string[] {
  return fs
    .readdirSync(SAMPLES_DIR, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/** Every problem with a parsed sample.json, as readable strings; empty when the manifest is valid. */
export function manifestProblems(value: unknown, folder: string): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return ['sample.json is not a JSON object'];
  const m = value as Record<string, unknown>;
  const problems: string[] = [];
  const isText = (v: unknown): v is string => typeof v === 'string' && v.trim().length > 0;
  const isArgv = (v: unknown): v is string[] => Array.isArray(v) && v.every(isText);
  for (const key of ['id', 'title', 'description', 'language']) {
    if (!isText(m[key])) problems.push(`${key} must be a non-empty string`);
  }
  if (isText(m.id) && m.id !== folder) problems.push(`id '${m.id}' must equal the folder name '${folder}'`);
  if (!isArgv(m.testCommand) || m.testCommand.length === 0) problems.push('testCommand must be a non-empty array of strings');
  if (!isArgv(m.runCommand)) problems.push('runCommand must be an array of strings');
  for (const key of ['installCommand', 'buildCommand']) {
    if (m[key] !== undefined && (!isArgv(m[key]) || (m[key] as string[]).length === 0)) problems.push(`${key}, when present, must be a non-empty array of strings`);
  }
  if (!Array.isArray(m.suggestedGoals) || !m.suggestedGoals.every(isText)) {
    problems.push('suggestedGoals must be an array of non-empty strings');
  } else {
    if (m.suggestedGoals.length < 3) problems.push(`suggestedGoals needs at least 3 goals, has ${m.suggestedGoals.length}`);
    if (new Set(m.suggestedGoals).size !== m.suggestedGoals.length) problems.push('suggestedGoals has duplicates');
  }
  return problems;
}

/** Paths (relative to the sample) of generated files or folders that must not ship. */
function generatedEntries(dir: string, rel = ''): string[] {
  return fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const p = path.join(rel, e.name);
    if (GENERATED.has(e.name)) return [p];
    return e.isDirectory() ? generatedEntries(dir, p) : [];
  });
}

describe('sample projects', () => {
  it('manifestProblems accepts a complete manifest and names each missing or wrong field', () => {
    const good: SampleManifest = {
      id: 'x',
      title: 'X',
      description: 'd',
      language: 'javascript',
      testCommand: ['npm', 'test'],
      runCommand: [],
      suggestedGoals: ['a', 'b', 'c'],
    };
    assert.deepEqual(manifestProblems(good, 'x'), []);
    assert.deepEqual(manifestProblems({ ...good, id: 'y' }, 'x'), ["id 'y' must equal the folder name 'x'"]);
    assert.deepEqual(manifestProblems({ ...good, testCommand: [] }, 'x'), ['testCommand must be a non-empty array of strings']);
    assert.deepEqual(manifestProblems({ ...good, testCommand: 'npm test' }, 'x'), ['testCommand must be a non-empty array of strings']);
    assert.deepEqual(manifestProblems({ ...good, suggestedGoals: ['a', 'b'] }, 'x'), ['suggestedGoals needs at least 3 goals, has 2']);
    assert.deepEqual(manifestProblems({ ...good, installCommand: [] }, 'x'), ['installCommand, when present, must be a non-empty array of strings']);
    const { title: _t, ...noTitle } = good;
    assert.deepEqual(manifestProblems(noTitle, 'x'), ['title must be a non-empty string']);
    assert.deepEqual(manifestProblems([], 'x'), ['sample.json is not a JSON object']);
  });

  it('ships the four required samples', () => {
    const dirs = sampleDirs();
    for (const id of REQUIRED_SAMPLES) assert.ok(dirs.includes(id), `samples/${id} is missing (found: ${dirs.join(', ')})`);
  });

  for (const folder of fs.existsSync(SAMPLES_DIR) ? sampleDirs() : []) {
    describe(folder, () => {
      const dir = path.join(SAMPLES_DIR, folder);

      it('has a valid sample.json', () => {
        const file = path.join(dir, 'sample.json');
        assert.ok(fs.existsSync(file), `samples/${folder}/sample.json is missing`);
        const manifest: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
        assert.deepEqual(manifestProblems(manifest, folder), [], `samples/${folder}/sample.json`);
      });

      it('has a README.md with a title and a .gitignore that excludes generated files', () => {
        const readme = path.join(dir, 'README.md');
        assert.ok(fs.existsSync(readme), `samples/${folder}/README.md is missing`);
        assert.match(fs.readFileSync(readme, 'utf8'), /^# \S/, `samples/${folder}/README.md should start with a "# Title" line`);
        const gitignore = path.join(dir, '.gitignore');
        assert.ok(fs.existsSync(gitignore), `samples/${folder}/.gitignore is missing`);
        const lines = fs.readFileSync(gitignore, 'utf8').split(/\r?\n/).map((l) => l.trim().replace(/^\/|\/$/g, ''));
        for (const name of IGNORED) assert.ok(lines.includes(name), `samples/${folder}/.gitignore should list ${name}`);
      });

      it('contains no dependencies, build output or caches', () => {
        assert.deepEqual(generatedEntries(dir), [], `delete these from samples/${folder} (run samples in a copy: scripts/verify-samples.sh)`);
      });

      it("has the files its commands need", () => {
        const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'sample.json'), 'utf8')) as SampleManifest;
        const commands = [manifest.testCommand, manifest.runCommand, manifest.installCommand ?? [], manifest.buildCommand ?? []];
        if (commands.some((c) => c[0] === 'npm')) {
          const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
          for (const c of commands.filter((c) => c[0] === 'npm')) {
            const script = c[1] === 'run' ? c[2] : c[1];
            if (script === 'install') continue;
            assert.equal(typeof pkg.scripts?.[script], 'string', `samples/${folder}/package.json has no "${script}" script for ${c.join(' ')}`);
          }
        }
        if (manifest.language === 'python') {
          assert.ok(fs.existsSync(path.join(dir, 'requirements.txt')), `samples/${folder}/requirements.txt is missing`);
        }
      });
    });
  }
});
