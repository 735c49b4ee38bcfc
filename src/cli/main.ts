#!/usr/bin/env node
import { PRODUCT_NAME, PRODUCT_VERSION } from '../core/version';

/** Headless command line over src/core. Subcommands arrive with the design-docs store and orchestrator. */
export async function main(argv: string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const [cmd] = argv;
  if (cmd === '--version' || cmd === '-v') {
    out.write(`${PRODUCT_VERSION}\n`);
    return 0;
  }
  if (!cmd || cmd === 'help' || cmd === '--help' || cmd === '-h') {
    out.write(`${PRODUCT_NAME} ${PRODUCT_VERSION}\n\nUsage: spectask <command> [options]\n\n  help       show this help\n  --version  print the version\n`);
    return 0;
  }
  process.stderr.write(`spectask: unknown command '${cmd}'. Run 'spectask help'.\n`);
  return 2;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code), (err) => {
    process.stderr.write(`spectask: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
