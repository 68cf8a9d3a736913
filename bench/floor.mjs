// The floor: the least a relay can do. A bare node:http server that asks the upstream for an
// answer and passes each token on as the product's text frame (`data: {"text":…}`), no framework.
import http from 'node:http';

const upstream = new URL(process.argv[2]);
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });

http
  .createServer((req, res) => {
    const call = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        path: `${upstream.pathname}/chat/completions`,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json' },
      },
      (answer) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        let buffer = '';
        answer.setEncoding('utf8');
        answer.on('data', (text) => {
          buffer += text;
          const frames = buffer.split('\n\n');
          buffer = frames.pop() ?? '';
          let out = '';
          for (const frame of frames) {
            if (!frame.startsWith('data: {')) continue;
            const content = JSON.parse(frame.slice(6)).choices?.[0]?.delta?.content;
            if (content) out += `data: ${JSON.stringify({ text: content })}\n\n`;
          }
          if (out) res.write(out);
        });
        answer.on('end', () => res.end('event: done\ndata: {}\n\n'));
      },
    );
    req.on('close', () => call.destroy());
    call.end(JSON.stringify({ model: 'bench', stream: true, messages: [{ role: 'user', content: 'hi' }] }));
  })
  .listen(Number(process.argv[3]), '127.0.0.1', () => process.send?.('ready'));
