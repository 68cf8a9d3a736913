import { notFound } from 'next/navigation';
import { ChatView } from '@/components/chat/chat-view';
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
  if (!(await owner.sessions.find(id))) notFound();
  const messages = toChatMessages(await owner.messages.list(id));
  return <ChatView key={id} sessionId={id} initialMessages={messages} isNew={false} />;
}
