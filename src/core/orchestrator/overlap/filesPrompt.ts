/**
 * What the planning prompt asks of design.md for file-overlap prediction (issue 21). One sentence, so the
 * planning prompt in prompts.ts carries it with one line; the parser (designFiles.ts) reads what it asks for.
 */
export const FILES_SECTION_REQUEST = `   design.md must contain a section "## Files": one list item per file the implementation will create or change,
   as a path relative to the repository root in backticks (e.g. "- \`src/app.js\`"); globs such as "src/auth/*.ts"
   are allowed when you cannot name the files yet. The orchestrator uses it to avoid running two SpecTasks that
   touch the same files at once, so list what you expect and nothing more.`;
