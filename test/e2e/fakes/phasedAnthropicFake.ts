import type * as http from 'node:http';
import { anthropicApi } from './anthropicFake';
import { FakeServer, textOf, type FakeApi, type ScriptTurn } from './fakeServer';

/** What a phase's script may use: paths read from the orchestrator's prompt of that phase. */
export interface PhaseVars {
  taskFolder: string;
  worktree: string;
  tasksFile: string;
  prompt: string;
}

/** A script per orchestrator phase, chosen by the prompt that opened the current turn sequence. */
export interface Phase {
  match: RegExp;
  turns: (v: PhaseVars) => ScriptTurn[];
  /**
   * Hold the phase's first answer until this many conversations (different prompts) have asked for it, so
   * that parallel agents are certainly working at the same time however the machine schedules them
   * (released after 60 s regardless).
   */
  barrier?: number;
}

interface Message {
  role: string;
  content: unknown;
}

const isPrompt = (m: Message) =>
  m.role === 'user' &&
  (typeof m.content === 'string' ||
    (Array.isArray(m.content) && m.content.some((b) => (b as { type?: string }).type === 'text')));

/**
 * Anthropic Messages fake for several agent sessions at once (parallel SpecTasks): each request is answered
 * from the script of the phase whose prompt (planning, revision, implementation) last opened the
 * conversation, at the index = assistant messages since that prompt, with paths taken from the prompt.
 * Sessions are resumed with their history, so this stays stateless. Test fixture only.
 */
export function phasedAnthropicApi(phases: Phase[]): FakeApi {
  const arrived = new Map<Phase, Set<string>>();
  const held = new Map<Phase, (() => void)[]>();
  return {
    handle(req: http.IncomingMessage, body: unknown, res: http.ServerResponse, ctx) {
      const messages = ((body ?? {}) as { messages?: Message[] }).messages ?? [];
      let start = -1;
      let phase: Phase | undefined;
      let text = '';
      for (let i = messages.length - 1; i >= 0 && !phase; i--) {
        if (!isPrompt(messages[i])) continue;
        const t = textOf(messages[i].content);
        const p = phases.find((x) => x.match.test(t));
        if (p) [start, phase, text] = [i, p, t];
      }
      const vars: PhaseVars = {
        taskFolder: /(?:files in|tasks\.md in|Fix this in) (\/\S+?\/design\/tasks\/[^\s/]+)/.exec(text)?.[1] ?? '',
        worktree: /You work in (\S+) on branch/.exec(text)?.[1] ?? '',
        tasksFile: /the checklist (\/\S+tasks\.md)/.exec(text)?.[1] ?? '',
        prompt: text,
      };
      const index = messages.slice(start + 1).filter((m) => m.role === 'assistant').length;
      const turn = phase ? (phase.turns(vars)[index] ?? { text: 'Done.' }) : { text: 'No script for this prompt.' };
      const answer = () => anthropicApi.handle(req, body, res, { turn: () => turn, log: ctx.log });
      if (!phase?.barrier || index !== 0) return answer();
      const seen = arrived.get(phase) ?? new Set<string>();
      arrived.set(phase, seen.add(text));
      const waiting = held.get(phase) ?? [];
      held.set(phase, waiting);
      if (seen.size >= phase.barrier) {
        for (const release of waiting.splice(0)) release();
        return answer();
      }
      let done = false;
      const release = () => {
        if (done) return;
        done = true;
        answer();
      };
      waiting.push(release);
      setTimeout(release, 60_000).unref();
    },
  };
}

export function startPhasedAnthropicFake(dir: string, phases: Phase[]): Promise<FakeServer> {
  return FakeServer.start(phasedAnthropicApi(phases), dir, 'anthropic-phased');
}
