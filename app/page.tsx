import { getServerSession } from 'next-auth';
import { SignOutButton } from '@/components/auth/sign-out-button';
import { EndpointCard } from '@/components/ui/endpoint-card';
import { currentModel } from '@/lib/ai/model';
import { authOptions } from '@/lib/auth/options';

export const dynamic = 'force-dynamic';

const endpoints = [
  { path: '/api/stream', summary: 'Text frames, token usage, and errors inside the stream.', example: '/api/stream?q=Hello+World' },
  { path: '/api/stream/text', summary: 'Plain text deltas as the model writes them.', example: '/api/stream/text?q=Tell+me+about+streaming' },
  { path: '/api/stream/structured', summary: 'A research report, field by field, then the validated report.', example: '/api/stream/structured?q=Solar+power' },
  { path: '/api/stream/events', summary: 'Every run event: text parts, tool calls and tool results.', example: '/api/stream/events?q=What+is+the+price+of+an+espresso+machine%3F' },
  { path: '/api/health', summary: 'Liveness.', example: '/api/health' },
];

export default async function HomePage() {
  const { label } = currentModel();
  const session = await getServerSession(authOptions());
  return (
    <main className="mx-auto max-w-2xl px-6 py-16">
      <header className="flex items-center justify-between gap-4">
        <h1 className="text-3xl font-bold tracking-tight">Streamwright</h1>
        <div className="flex items-center gap-3 text-sm">
          <span data-testid="signed-in-as">{session?.user?.email}</span>
          <SignOutButton />
        </div>
      </header>
      <p className="mt-3 text-zinc-600 dark:text-zinc-400">
        AI model output, streamed as it is generated: text, structured reports and tool events over server-sent events.
      </p>
      <p className="mt-4 text-sm" data-testid="model">
        Answering model: <code className="rounded bg-zinc-100 px-1.5 py-0.5 font-mono dark:bg-zinc-800">{label}</code>
      </p>
      <ul className="mt-8 space-y-3">
        {endpoints.map((endpoint) => (
          <EndpointCard key={endpoint.path} {...endpoint} />
        ))}
      </ul>
    </main>
  );
}
