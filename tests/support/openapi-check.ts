import { answerProblems, type Answer } from './openapi-answers';

// Loaded into every API test process (`--import`, package.json's test:api): each answer from the
// app's /api is checked against the OpenAPI document. Its status, content type and required
// headers as it arrives, read by the test or not; its body as the test reads it, the body passing
// through untouched (a test that cancels a stream still cancels the server's), checked when it
// ends, or, when the test cancels it, the events that had arrived. Every mismatch is printed and
// fails the process, so the file fails.

const problems: string[] = [];
const realFetch = globalThis.fetch;

globalThis.fetch = async function checkedFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const response = await realFetch(input, init);
  const url = new URL(input instanceof Request ? input.url : String(input));
  // A followed redirect's answer is another URL's; the test that follows one checks where it lands.
  if (!/^\/api(\/|$)/.test(url.pathname) || response.redirected) return response;
  const head: Omit<Answer, 'body'> = {
    method: (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase(),
    pathname: url.pathname,
    status: response.status,
    contentType: response.headers.get('content-type'),
    headers: response.headers,
  };
  if (report(answerProblems(head)) || !response.body) return response;

  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let cancelled = false;
  const observed = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      // A read pending when the test cancelled ends empty: the cancel has checked what arrived.
      if (cancelled) return;
      if (done) {
        report(answerProblems({ ...head, body: text + decoder.decode() }));
        return controller.close();
      }
      text += decoder.decode(value, { stream: true });
      controller.enqueue(value);
    },
    cancel(reason) {
      cancelled = true;
      report(answerProblems({ ...head, body: text, partial: true }));
      return reader.cancel(reason);
    },
  });
  const wrapped = new Response(observed, { status: response.status, statusText: response.statusText, headers: response.headers });
  Object.defineProperties(wrapped, { url: { value: response.url }, redirected: { value: response.redirected } });
  return wrapped;
};

/** Records what is wrong; whether anything was. */
function report(found: string[]): boolean {
  for (const problem of found) {
    problems.push(problem);
    console.error(`OpenAPI: ${problem}`);
  }
  return found.length > 0;
}

process.on('exit', () => {
  if (problems.length === 0) return;
  console.error(
    `\n${problems.length} answer(s) did not match the OpenAPI document (lib/openapi/document.ts):\n${[...new Set(problems)].join('\n')}`,
  );
  process.exitCode = 1;
});
