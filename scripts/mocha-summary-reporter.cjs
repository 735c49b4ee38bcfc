// Mocha reporter: the usual spec output, plus a JSON summary written to $TIER_RESULT_FILE so the tier
// runner can print one "N passed, N failed" line per tier.
const Mocha = require('mocha');
const fs = require('node:fs');
const { EVENT_RUN_END, EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING } = Mocha.Runner.constants;

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const counts = { passed: 0, failed: 0, skipped: 0, failures: [] };
    runner.on(EVENT_TEST_PASS, () => counts.passed++);
    runner.on(EVENT_TEST_FAIL, (t, err) => {
      counts.failed++;
      counts.failures.push({ title: t.fullTitle(), err: String(err && err.message) });
    });
    runner.on(EVENT_TEST_PENDING, () => counts.skipped++);
    runner.once(EVENT_RUN_END, () => {
      if (process.env.TIER_RESULT_FILE) fs.writeFileSync(process.env.TIER_RESULT_FILE, JSON.stringify(counts));
    });
  }
}
module.exports = SummaryReporter;
