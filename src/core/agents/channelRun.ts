import type { ResultEvent } from './agentEvents';
import { RunEventChannel } from './runEventChannel';

/**
 * The event side every run built on a {@link RunEventChannel} exposes the same way (the stream, the listener,
 * the session id, the one result): a run pushes into `channel`, its callers read these.
 */
export abstract class ChannelRun {
  protected readonly channel = new RunEventChannel();
  readonly events = this.channel.events;
  readonly onEvent = this.channel.onEvent;
  readonly sessionId = this.channel.sessionId;
  readonly finished: Promise<ResultEvent> = this.channel.finished;
}
