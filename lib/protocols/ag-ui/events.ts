import type { LanguageModelUsage } from 'ai';
import type { FailureCode } from '../../ai/failure';
import type { Outcome } from '../../ai/outcome';
import type { RunPart } from '../../ai/run';
import { statePatch, toolErrorText, type StatePatch } from '../../ai/tools';
import { isPlainObject } from '../../errors';

// AG-UI: the run's stream parts as AG-UI events. Every item opened (text message, reasoning,
// tool call) is closed before the run's last event, whatever ends the run; optional fields are
// left out, never sent as null.

export type AgUiEvent = { type: string; timestamp: number } & Record<string, unknown>;

export interface AgUiRun {
  threadId: string;
  runId: string;
  /**
   * The client's protocol version. 0.0.x clients send none, and reject the outcome fields of 1.0
   * (the cancelled outcome, `pendingToolCallIds`).
   */
  protocolVersion?: string;
  /** The stored reply's id: the messages this run creates are named after it. */
  replyId: string;
  /** Which model answers, for the usage entry. */
  model: string;
  /** The shared state the client sent; tool results patch it with `STATE_DELTA`. */
  state: unknown;
}

const ERROR_CODES: Record<FailureCode, string> = {
  budget_exceeded: 'budget',
  model_error: 'model',
  model_rate_limited: 'model',
  validation: 'model',
  internal: 'internal',
};

export class AgUiEvents {
  private readonly texts = new Map<string, string>();
  private readonly reasonings = new Map<string, string>();
  private readonly openCalls = new Set<string>();
  private readonly calls: string[] = [];
  private readonly answered = new Set<string>();
  private lastMessageId?: string;
  private created = 0;
  private state: unknown;

  constructor(
    private readonly run: AgUiRun,
    private readonly send: (event: AgUiEvent) => void,
  ) {
    this.state = run.state;
  }

  /** `RUN_STARTED`, then the state the run starts from when the client shares one. */
  start(): void {
    this.emit('RUN_STARTED', { threadId: this.run.threadId, runId: this.run.runId });
    const empty = isPlainObject(this.state) && Object.keys(this.state).length === 0;
    if (this.state !== undefined && this.state !== null && !empty) this.emit('STATE_SNAPSHOT', { snapshot: this.state });
  }

  part(part: RunPart): void {
    switch (part.type) {
      case 'start-step':
        this.lastMessageId = undefined; // a new step's tool calls belong to its own message
        return;
      case 'text-start': {
        const messageId = this.newId();
        this.texts.set(part.id, messageId);
        this.lastMessageId = messageId;
        return this.emit('TEXT_MESSAGE_START', { messageId, role: 'assistant' });
      }
      case 'text-delta': {
        const messageId = this.texts.get(part.id);
        if (messageId && part.text) this.emit('TEXT_MESSAGE_CONTENT', { messageId, delta: part.text });
        return;
      }
      case 'text-end':
        return this.endText(part.id);
      case 'reasoning-start': {
        const messageId = this.newId();
        this.reasonings.set(part.id, messageId);
        this.emit('REASONING_START', { messageId });
        return this.emit('REASONING_MESSAGE_START', { messageId, role: 'reasoning' });
      }
      case 'reasoning-delta': {
        const messageId = this.reasonings.get(part.id);
        if (messageId && part.text) this.emit('REASONING_MESSAGE_CONTENT', { messageId, delta: part.text });
        return;
      }
      case 'reasoning-end':
        return this.endReasoning(part.id);
      case 'tool-input-start':
        return this.startCall(part.id, part.toolName);
      case 'tool-input-delta':
        if (this.openCalls.has(part.id) && part.delta) this.emit('TOOL_CALL_ARGS', { toolCallId: part.id, delta: part.delta });
        return;
      case 'tool-input-end':
        return this.endCall(part.id);
      case 'tool-call':
        // Providers that send a call whole, without streaming its arguments, get the triad here.
        if (!this.calls.includes(part.toolCallId)) {
          this.startCall(part.toolCallId, part.toolName);
          this.emit('TOOL_CALL_ARGS', { toolCallId: part.toolCallId, delta: JSON.stringify(part.input ?? {}) });
        }
        return this.endCall(part.toolCallId);
      case 'tool-result':
        this.result(part.toolCallId, typeof part.output === 'string' ? part.output : (JSON.stringify(part.output) ?? ''));
        return this.patchState(statePatch(this.state, part.toolName, part.output));
      case 'tool-error':
        return this.result(part.toolCallId, toolErrorText(part.error));
    }
  }

  /** Closes what is open, then the run's last event for how it ended. */
  end(outcome: Outcome): void {
    for (const id of [...this.texts.keys()]) this.endText(id);
    for (const id of [...this.reasonings.keys()]) this.endReasoning(id);
    for (const id of [...this.openCalls]) this.endCall(id);

    const ids = { threadId: this.run.threadId, runId: this.run.runId };
    const usage = this.usage(outcome.usage);
    switch (outcome.kind) {
      case 'finished': {
        if (outcome.failure) return this.fail(outcome.failure.error, outcome.failure.detail, usage);
        // Calls to the client's own tools wait for the client: it runs them and starts the next run.
        const pending = this.calls.filter((id) => !this.answered.has(id));
        const result = pending.length === 0 && outcome.finalText ? { result: outcome.finalText } : {};
        const success =
          pending.length > 0 && this.run.protocolVersion ? { type: 'success', pendingToolCallIds: pending } : { type: 'success' };
        return this.emit('RUN_FINISHED', { ...ids, ...result, outcome: success, ...usage });
      }
      case 'aborted':
        // Stopped on purpose. Only clients of protocol 1.0 know the cancelled outcome.
        return this.emit('RUN_FINISHED', { ...ids, ...(this.run.protocolVersion ? { outcome: { type: 'cancelled' } } : {}), ...usage });
      case 'failed':
        return this.fail(outcome.failure.error, outcome.failure.detail, usage);
    }
  }

  private fail(code: FailureCode, message: string, usage: { usage?: unknown }): void {
    this.emit('RUN_ERROR', { message, code: ERROR_CODES[code], ...usage });
  }

  private emit(type: string, fields: Record<string, unknown>): void {
    this.send({ type, timestamp: Date.now(), ...fields });
  }

  /** Ids for the messages this run creates: the reply's id, then the reply's id with a number. */
  private newId(): string {
    return this.created++ === 0 ? this.run.replyId : `${this.run.replyId}-${this.created}`;
  }

  private endText(partId: string): void {
    const messageId = this.texts.get(partId);
    if (!messageId) return;
    this.texts.delete(partId);
    this.emit('TEXT_MESSAGE_END', { messageId });
  }

  private endReasoning(partId: string): void {
    const messageId = this.reasonings.get(partId);
    if (!messageId) return;
    this.reasonings.delete(partId);
    this.emit('REASONING_MESSAGE_END', { messageId });
    this.emit('REASONING_END', { messageId });
  }

  private startCall(toolCallId: string, toolCallName: string): void {
    if (this.calls.includes(toolCallId)) return;
    this.calls.push(toolCallId);
    this.openCalls.add(toolCallId);
    const parent = this.lastMessageId ? { parentMessageId: this.lastMessageId } : {};
    this.emit('TOOL_CALL_START', { toolCallId, toolCallName, ...parent });
  }

  private endCall(toolCallId: string): void {
    if (!this.openCalls.delete(toolCallId)) return;
    this.emit('TOOL_CALL_END', { toolCallId });
  }

  private result(toolCallId: string, content: string): void {
    this.endCall(toolCallId);
    this.answered.add(toolCallId);
    this.emit('TOOL_CALL_RESULT', { messageId: this.newId(), toolCallId, content, role: 'tool' });
  }

  private patchState(patch: StatePatch | undefined): void {
    if (!patch) return;
    this.state = patch.state;
    this.emit('STATE_DELTA', { delta: patch.delta });
  }

  /** AG-UI's `TokenUsage[]`, as `{ usage }`; nothing when no count is known (never a made-up 0). */
  private usage(usage: LanguageModelUsage | undefined): { usage?: Record<string, unknown>[] } {
    if (!usage) return {};
    // Reasoning and cached counts are parts of the others, given when the provider reports some.
    const positive = (count: number | undefined) => (count ? count : undefined);
    const counts = {
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
      totalTokens: usage.totalTokens,
      reasoningTokens: positive(usage.outputTokenDetails?.reasoningTokens),
      cachedInputTokens: positive(usage.inputTokenDetails?.cacheReadTokens),
    };
    const known = Object.entries(counts).filter(([, count]) => typeof count === 'number' && Number.isFinite(count));
    return known.length === 0 ? {} : { usage: [{ model: this.run.model, ...Object.fromEntries(known) }] };
  }
}
