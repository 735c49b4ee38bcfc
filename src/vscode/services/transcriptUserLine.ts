// Pure (no `vscode`), so the unit tier checks how a person's message reads in the transcript.

/** The local time of day a message was sent, `14:03:07`: a transcript is read while its run goes on. */
export function clockTime(at: number): string {
  return new Date(at).toTimeString().slice(0, 8);
}

/**
 * A message a person sent the running agent, as the transcript shows it: `You (14:03:07): …`, further lines
 * indented so the entry reads as one, and apart from the agent's text.
 */
export function userMessageLine(text: string, at: number): string {
  return `You (${clockTime(at)}): ${text.split('\n').join('\n    ')}`;
}
