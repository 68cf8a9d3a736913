import { randomUUID } from 'node:crypto';
import { ChatView } from '@/components/chat/chat-view';

export const metadata = { title: 'New chat · Streamwright' };

/** A new chat: its id is chosen now and stored with its first message. */
export default function NewChatPage() {
  const id = randomUUID();
  return <ChatView key={id} sessionId={id} initialMessages={[]} isNew />;
}
