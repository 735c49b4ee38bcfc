/**
 * A model name reaches a CLI's argv (`--model <name>`, `-m <name>`). It comes from a workspace setting or a
 * SpecTask's record on the shared branch, so a value starting with "-" would be read as an option of the agent
 * CLI. Real names are plain tokens: `claude-sonnet-4-5`, `gpt-5.1-codex`, `gemini-2.5-pro`, `qwen2.5-coder:7b`,
 * `openrouter/anthropic/claude-3.7`, `llama3@q4`.
 */
const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,127}$/;

/** The last line of defence in an argv builder: a model name that is not a plain token never reaches argv. */
export function assertSafeModelName(name: string): string {
  if (!MODEL_NAME.test(name)) throw new Error(`refusing to pass ${JSON.stringify(name)} to an agent as a model name`);
  return name;
}
