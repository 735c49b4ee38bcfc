// `npm run test:electron`: the same in-host suite under a downloaded desktop VS Code, for machines that
// can reach VS Code's update server (CI here is offline and uses code-server instead).
import * as os from 'node:os';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { runTests } from '@vscode/test-electron';

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '../../..');
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'spectask-ws-'));
  execFileSync(
    'bash',
    [path.join(root, 'scripts/make-fixture-repo.sh'), path.join(root, 'test/fixtures/workspace'), ws],
    { stdio: 'inherit' },
  );
  await runTests({
    extensionDevelopmentPath: root,
    extensionTestsPath: path.join(__dirname, 'index.js'),
    launchArgs: [ws, '--disable-extensions', '--disable-workspace-trust'],
  });
}

main().catch((err) => {
  console.error('electron test run failed:', err);
  process.exit(1);
});
