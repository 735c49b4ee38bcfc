/**
 * What the planning prompt asks of design.md beyond its prose (issue 21): the `## Files` section the scheduler
 * predicts overlaps from (read by designFiles.ts), and `Depends on:` lines a person may confirm (read by
 * dependencyProposals.ts). One constant, so the planning prompt in prompts.ts carries it with one line.
 */
export const FILES_SECTION_REQUEST = `   design.md must contain a section "## Files": one list item per file the implementation will create or change,
   as a path relative to the repository root in backticks (e.g. "- \`src/app.js\`"); globs such as "src/auth/*.ts"
   are allowed when you cannot name the files yet. The orchestrator uses it to avoid running two SpecTasks that
   touch the same files at once, so list what you expect and nothing more. If this work cannot start before another
   open SpecTask is finished (their folders are next to this one), add a line "Depends on: #000003" naming it;
   a person confirms it.`;
