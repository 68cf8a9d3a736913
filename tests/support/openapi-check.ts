import { answerProblems } from './openapi-answers';

// Loaded into every API test process (`--import`, package.json's test:api): each answer from the
// app's /api that a test reads is checked against the OpenAPI document as the test reads it. A
// stream passes through untouched (a test that cancels it still cancels the server's stream) and
// is checked when it ends. Every mismatch is printed and fails the process, so the file fails.

const problems: string[] = [];
const realFetch = globalThis.fetch;

globalThis.fetch = async function checkedFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const response = await realFetch(input, init);
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (!url.pathname.startsWith('/api/') || !response.body) {
    if (url.pathname.startsWith('/api/')) check(input, init, response, '');
    return response;
  }
  const decoder = new TextDecoder();
  let text = '';
  const settle = () => check(input, init, response, text + decoder.decode());
  const observed = response.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        text += decoder.decode(chunk, { stream: true });
        controller.enqueue(chunk);
      },
      flush: settle,
    }),
  );
  const wrapped = new Response(observed, { status: response.status, statusText: response.statusText, headers: response.headers });
  Object.defineProperties(wrapped, { url: { value: response.url }, redirected: { value: response.redirected } });
  return wrapped;
};

function check(input: RequestInfo | URL, init: RequestInit | undefined, response: Response, body: string) {
  const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
  const pathname = new URL(response.url || (input instanceof Request ? input.url : String(input))).pathname;
  const found = answerProblems({ method, pathname, status: response.status, contentType: response.headers.get('content-type'), body });
  for (const problem of found) {
    problems.push(problem);
    console.error(`OpenAPI: ${problem}`);
  }
}

process.on('exit', () => {
  if (problems.length === 0) return;
  console.error(
    `\n${problems.length} answer(s) did not match the OpenAPI document (lib/openapi/document.ts):\n${[...new Set(problems)].join('\n')}`,
  );
  process.exitCode = 1;
});
