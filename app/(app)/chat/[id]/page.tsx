import { notFound } from 'next/navigation';
import { ChatView } from '@/components/chat/chat-view';
import { models } from '@/lib/ai/model';
import { pageSession } from '@/lib/auth/options';
import { toChatMessages } from '@/lib/protocols/ui-stream/messages';
import { forOwner } from '@/lib/db/owned';

export const metadata = { title: 'Chat · Streamwright' };

/** A stored chat, exactly as stored. */
export default async function ChatPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const userId = (await pageSession())?.user?.id;
  if (!userId) notFound();
  const owner = forOwner(userId);
  const session = await owner.sessions.find(id);
  if (!session) notFound();
  const messages = toChatMessages(await owner.messages.list(id));
  const catalogue = models();
  // The session's model while it is still offered, as its next turn would use it.
  const model = session.model !== null && catalogue.offers(session.model) ? session.model : catalogue.defaultId;
  return (
    <ChatView
      key={id}
      sessionId={id}
      initialMessages={messages}
      isNew={false}
      models={catalogue.offered.map((offered) => offered.id)}
      initialModel={model}
    />
  );
}
