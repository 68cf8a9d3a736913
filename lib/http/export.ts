import { usageJson } from '../ai/usage';
import type { StoredMessage } from '../db/owned';

// A chat or a report as a file to keep: Markdown to read, or JSON in a documented shape of its
// own (`format`, `format_version`), not the stored rows, so it stays the same when storage
// changes. The answer is a download (`content-disposition: attachment`) named after the title.

export type ExportFormat = 'markdown' | 'json';

/** Bumped when a field of the JSON export changes meaning or goes away (adding one keeps it). */
const FORMAT_VERSION = 1;

// ---- the JSON shape -------------------------------------------------------------------------

/** One piece of a message: its text, the model's reasoning, or a tool call with how it went. */
type ExportedContent =
  | { type: 'text'; text: string }
  | { type: 'reasoning'; text: string }
  | {
      type: 'tool_call';
      id: string | null;
      name: string;
      /** `pending`: no result (yet); `result`: `output` holds it; `error`: `error` says why. */
      state: 'pending' | 'result' | 'error';
      input: unknown;
      output: unknown;
      error: string | null;
    };

type StoredPart = {
  type?: unknown;
  text?: unknown;
  toolCallId?: unknown;
  state?: unknown;
  input?: unknown;
  output?: unknown;
  errorText?: unknown;
};

/** A stored message's UI parts as export content; step boundaries and parts of unknown kinds are left out. */
function contentOf(parts: unknown[]): ExportedContent[] {
  return parts.flatMap((raw): ExportedContent[] => {
    const part = (raw ?? {}) as StoredPart;
    const type = typeof part.type === 'string' ? part.type : '';
    if (type === 'text' || type === 'reasoning') return [{ type, text: String(part.text ?? '') }];
    if (!type.startsWith('tool-')) return [];
    const state = part.state === 'output-available' ? 'result' : part.state === 'output-error' ? 'error' : 'pending';
    return [
      {
        type: 'tool_call',
        id: typeof part.toolCallId === 'string' ? part.toolCallId : null,
        name: type.slice('tool-'.length),
        state,
        input: part.input ?? null,
        output: state === 'result' ? (part.output ?? null) : null,
        error: state === 'error' ? String(part.errorText ?? '') : null,
      },
    ];
  });
}

export function chatExport(session: { id: string; title: string; createdAt: Date; updatedAt: Date }, messages: StoredMessage[], now: Date) {
  return {
    format: 'streamwright.chat',
    format_version: FORMAT_VERSION,
    exported_at: now.toISOString(),
    session: {
      id: session.id,
      title: session.title,
      created_at: session.createdAt.toISOString(),
      updated_at: session.updatedAt.toISOString(),
    },
    messages: messages.map((message) => ({
      id: message.id,
      role: message.role,
      created_at: message.createdAt.toISOString(),
      /** streaming | complete | stopped | failed */
      status: message.status,
      /** The failure code of a failed reply. */
      error: message.failureCode,
      /** Which model answered (replies), and what the reply spent. */
      model: message.model,
      usage: message.usage && usageJson(message.usage),
      content: contentOf(message.parts),
    })),
  };
}

export type ChatExport = ReturnType<typeof chatExport>;

interface StoredReportRow {
  id: string;
  topic: string;
  model: string | null;
  status: string;
  createdAt: Date;
  report: unknown;
  issues: unknown;
  failureCode: string | null;
}

interface ReportFields {
  title?: unknown;
  summary?: unknown;
  key_findings?: unknown;
  confidence_score?: unknown;
}

export function reportExport(report: StoredReportRow, now: Date) {
  const fields = (report.report ?? null) as ReportFields | null;
  return {
    format: 'streamwright.report',
    format_version: FORMAT_VERSION,
    exported_at: now.toISOString(),
    report: {
      id: report.id,
      topic: report.topic,
      created_at: report.createdAt.toISOString(),
      /** The model that wrote it; null for reports from before models were kept. */
      model: report.model,
      /** streaming | complete | invalid | failed | stopped */
      status: report.status,
      error: report.failureCode,
      /** The schema's issues of an invalid report. */
      issues: report.issues ?? null,
      /** The report's fields: the validated ones, or as far as they got. */
      content:
        fields === null
          ? null
          : {
              title: fields.title ?? null,
              summary: fields.summary ?? null,
              key_findings: fields.key_findings ?? null,
              confidence_score: fields.confidence_score ?? null,
            },
    },
  };
}

export type ReportExport = ReturnType<typeof reportExport>;

// ---- Markdown -------------------------------------------------------------------------------

/** A time as the exports show it: `2026-12-04 12:45:07 UTC`. */
const when = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;

/**
 * Plain text as Markdown that shows it as written: every character Markdown could read as
 * structure (headings, lists, quotes, fences, HTML, links, emphasis, tables) is escaped, line
 * breaks are kept, and leading spaces do not make a code block.
 */
export function escapeText(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  return lines
    .map((line) =>
      line
        .replace(/[\\`*_[\]<>|~&@]/g, '\\$&')
        // GFM makes bare addresses links, and a link would keep the escapes in it.
        .replace(/:\/\//g, '\\://')
        .replace(/\b(www)\./gi, '$1\\.')
        // What only means something at a line's start: a heading, a list item, a heading's underline.
        .replace(/^(\s*)([#+=-])/, '$1\\$2')
        .replace(/^(\s*\d+)([.)])/, '$1\\$2')
        .replace(/^[ \t]+/, (indent) => indent.replace(/ /g, '&nbsp;').replace(/\t/g, '&nbsp;'.repeat(4))),
    )
    .map((line, i, escaped) => (i < escaped.length - 1 && line !== '' && escaped[i + 1] !== '' ? `${line}\\` : line))
    .join('\n');
}

/** One line of text (a title, a name) as Markdown, its line breaks made spaces. */
const escapeLine = (text: string) => escapeText(text.replace(/\s+/g, ' ').trim());

/** `text` in a fenced code block that nothing in it can close: its fence is longer than any run of backticks in it. */
export function codeBlock(text: string, language = ''): string {
  const fence = '`'.repeat(Math.max(3, ...(text.match(/`+/g) ?? []).map((run) => run.length + 1)));
  return `${fence}${language}\n${text}\n${fence}`;
}

/** `text` as inline code, whatever backticks it holds. */
export function codeSpan(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const ticks = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') || flat === '' ? ' ' : '';
  return `${ticks}${pad}${flat}${pad}${ticks}`;
}

/**
 * A reply's Markdown, kept as Markdown but unable to reach past its own message: a code fence it
 * leaves open is closed, HTML that starts a line is shown as text (an HTML block, such as an
 * unclosed comment, would hide what follows), and its headings sit below the message's own.
 */
export function containMarkdown(markdown: string): string {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  let open: { char: string; length: number } | undefined;
  const out = lines.map((line) => {
    const fence = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line);
    if (open) {
      if (fence && fence[1]![0] === open.char && fence[1]!.length >= open.length && fence[2]!.trim() === '') open = undefined;
      return line;
    }
    if (fence && !(fence[1]![0] === '`' && fence[2]!.includes('`'))) {
      open = { char: fence[1]![0]!, length: fence[1]!.length };
      return line;
    }
    return line.replace(/^( {0,3})</, '$1\\<').replace(/^( {0,3})(#{1,6})(?=\s|$)/, (_, indent: string, hashes: string) => {
      return `${indent}${'#'.repeat(Math.min(6, hashes.length + 2))}`;
    });
  });
  if (open) out.push(open.char.repeat(open.length));
  return out.join('\n');
}

/** Markdown as a block quote, every line of it inside. */
const quote = (markdown: string) =>
  markdown
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');

/** Pretty JSON of a tool's input or output. */
const json = (value: unknown) => JSON.stringify(value ?? null, null, 2);

const STATUS_NOTE: Record<string, string> = {
  streaming: 'This reply was still being written when the chat was exported.',
  stopped: 'This reply was stopped before it finished.',
};

function usageLine(usage: ChatExport['messages'][number]['usage']): string {
  if (!usage) return 'tokens not recorded';
  const count = (n: number | null) => (n === null ? 'unknown' : String(n));
  return `${count(usage.input_tokens)} input + ${count(usage.output_tokens)} output = ${count(usage.total_tokens)} tokens`;
}

function toolMarkdown(call: Extract<ExportedContent, { type: 'tool_call' }>): string {
  const label = { pending: 'no result', result: 'result', error: 'error' }[call.state];
  const blocks = [`**Tool call** ${codeSpan(call.name)} (${label})`, '', 'Input:', '', codeBlock(json(call.input), 'json')];
  if (call.state === 'result') blocks.push('', 'Output:', '', codeBlock(json(call.output), 'json'));
  if (call.state === 'error') blocks.push('', 'Error:', '', codeBlock(call.error ?? ''));
  return blocks.join('\n');
}

/** A chat as Markdown: the title, its dates, then each message with its text, tool calls, and each reply's model, usage and status. */
export function chatMarkdown(chat: ChatExport): string {
  const head = [
    `# ${escapeLine(chat.session.title) || 'Chat'}`,
    '',
    `Chat started ${when(chat.session.created_at)}, last changed ${when(chat.session.updated_at)}; exported from Streamwright ${when(chat.exported_at)}.`,
  ];
  const messages = chat.messages.map((message) => {
    const user = message.role === 'user';
    const body = message.content.map((content) => {
      if (content.type === 'tool_call') return toolMarkdown(content);
      if (content.type === 'reasoning') return quote(`_Reasoning:_ ${escapeText(content.text)}`);
      // The user's words are shown as typed (the chat shows them as plain text); a reply's are Markdown.
      return user ? escapeText(content.text) : containMarkdown(content.text);
    });
    const lines = [`## ${user ? 'You' : 'Assistant'} · ${when(message.created_at)}`, '', ...(body.length ? body : ['_(no text)_'])];
    if (!user) {
      const model = message.model ? codeSpan(message.model) : 'unknown model';
      const status =
        message.status === 'failed' ? `This reply failed (${codeSpan(message.error ?? 'unknown error')}).` : STATUS_NOTE[message.status];
      lines.push(`_Model ${model}, ${usageLine(message.usage)}._${status ? ` **${status}**` : ''}`);
    }
    return lines.join('\n\n');
  });
  return `${[...head, '', ...messages.flatMap((message) => ['---', '', message, ''])].join('\n').trimEnd()}\n`;
}

const REPORT_STATUS: Record<string, string> = {
  complete: 'complete, checked against the report schema',
  invalid: 'invalid: it does not match the report schema',
  failed: 'failed before it was complete',
  stopped: 'stopped before it was complete',
  streaming: 'still being written',
};

/** A report as Markdown: its title, topic, date and status, then its fields (text shown as written). */
export function reportMarkdown(exported: ReportExport): string {
  const { report } = exported;
  const content = report.content;
  const text = (value: unknown) => (typeof value === 'string' ? escapeText(value) : '');
  const title = typeof content?.title === 'string' && content.title.trim() ? content.title : report.topic;
  const status = REPORT_STATUS[report.status] ?? report.status;
  const lines = [
    `# ${escapeLine(title) || 'Report'}`,
    '',
    `Topic: ${escapeLine(report.topic)}  `,
    `Written: ${when(report.created_at)}${report.model ? ` by ${codeSpan(report.model)}` : ''}  `,
    `Status: ${status}${report.error ? ` (${codeSpan(report.error)})` : ''}  `,
    `Exported from Streamwright ${when(exported.exported_at)}.`,
  ];
  if (typeof content?.summary === 'string') lines.push('', '## Summary', '', text(content.summary));
  if (Array.isArray(content?.key_findings) && content.key_findings.length > 0) {
    lines.push('', '## Key findings', '', ...content.key_findings.map((finding) => `- ${escapeLine(String(finding))}`));
  }
  if (typeof content?.confidence_score === 'number') {
    lines.push('', '## Confidence', '', `${content.confidence_score} (${Math.round(content.confidence_score * 100)}%)`);
  }
  if (Array.isArray(report.issues) && report.issues.length > 0) {
    lines.push('', '## Schema issues', '');
    for (const issue of report.issues as Array<{ path?: unknown; message?: unknown }>) {
      lines.push(`- ${codeSpan(String(issue.path || '(whole report)'))}: ${escapeLine(String(issue.message ?? ''))}`);
    }
  }
  if (!content) lines.push('', '_The report has no content._');
  return `${lines.join('\n')}\n`;
}

// ---- the answer ------------------------------------------------------------------------------

/**
 * A file name from a title: its letters and digits in lower case, joined by dashes, at most 60
 * characters, with a prefix; `ascii` is the same with accents taken off and anything else
 * dropped, for clients that read only `filename`.
 */
export function exportFileName(prefix: string, title: string, extension: string): { unicode: string; ascii: string } {
  const slug = (text: string, allowed: RegExp) =>
    text.toLowerCase().replace(allowed, '-').replace(/-+/g, '-').replace(/^-|-$/g, '').slice(0, 60).replace(/-$/, '');
  const name = (part: string) => `${prefix}${part ? `-${part}` : ''}.${extension}`;
  return {
    unicode: name(slug(title.normalize('NFC'), /[^\p{L}\p{N}]+/gu)),
    ascii: name(slug(title.normalize('NFKD').replace(/\p{M}/gu, ''), /[^a-z0-9]+/g)),
  };
}

/** The export as its file: Markdown or JSON, as a download named after `title`. */
export function exportResponse(
  format: ExportFormat,
  { prefix, title, json, markdown }: { prefix: string; title: string; json: unknown; markdown: () => string },
): Response {
  const { unicode, ascii } = exportFileName(prefix, title, format === 'json' ? 'json' : 'md');
  const headers = {
    'content-type': format === 'json' ? 'application/json' : 'text/markdown; charset=utf-8',
    'content-disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(unicode)}`,
    'cache-control': 'private, no-store',
  };
  return new Response(format === 'json' ? `${JSON.stringify(json, null, 2)}\n` : markdown(), { headers });
}
