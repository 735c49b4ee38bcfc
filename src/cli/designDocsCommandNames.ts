/** The commands on the design-docs branch alone: what the small CLI entry (cliEntry.ts) runs itself. */
export const DESIGN_DOCS_COMMAND_NAMES = ['init', 'create', 'depends-on', 'list', 'show', 'checklist', 'mark'] as const;

export type DesignDocsCommandName = (typeof DESIGN_DOCS_COMMAND_NAMES)[number];
