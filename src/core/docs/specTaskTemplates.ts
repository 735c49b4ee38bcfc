/**
 * The three documents a new SpecTask folder starts with. The H1 lines are exact ("# Requirements: <title>"),
 * because the title is read back from them (reference system behaviour). The checklist starts empty: the
 * example lives in an HTML comment, which the checklist parser ignores, so "the checklist is non-empty" only
 * becomes true once the planning agent has written real items.
 */

/** `requirements.md` with user-story and EARS skeletons and the Open Questions section. */
export function requirementsTemplate(title: string, prompt?: string): string {
  const goal = prompt?.trim()
    ? `${prompt
        .trim()
        .split(/\r?\n/)
        .map((l) => `> ${l}`.trimEnd())
        .join('\n')}\n`
    : '> (not written yet)\n';
  return `# Requirements: ${title}

## Goal

${goal}
## User Stories

- As a <role>, I want <capability>, so that <benefit>.

## Acceptance Criteria

- WHEN <trigger> THE SYSTEM SHALL <response>.
- IF <condition> THEN THE SYSTEM SHALL <response>.

## Open Questions

- None yet.
`;
}

/** `design.md`: architecture, decisions, and notes learned while implementing. */
export function designTemplate(title: string): string {
  return `# Design: ${title}

## Architecture

## Decisions

## Notes From Implementation
`;
}

/** `tasks.md`: the checklist heading, with the grammar shown in a comment. */
export function tasksTemplate(title: string): string {
  return `# Implementation Tasks: ${title}

<!--
One line per small, verifiable step, each with a stable id:
- [ ] T1: first step      (to do)
- [~] T2: second step     (in progress)
- [x] T3: third step      (done)
-->
`;
}

/** Reads the title back from a document's first H1 (`# Requirements: X`, `# Design: X`, `# Implementation Tasks: X`). */
export function titleFromHeading(markdown: string): string | undefined {
  const m = /^\uFEFF?#[ \t]+(?:Requirements|Design|Implementation Tasks|Tasks|Progress)?:?[ \t]*(.*?)[ \t#]*$/m.exec(
    markdown,
  );
  const t = m?.[1]?.trim();
  return t ? t : undefined;
}
