import { NewChat } from '@/components/chat/new-chat';
import { models } from '@/lib/ai/model';

export const metadata = { title: 'New chat · Streamwright' };

/** A new chat: stored with its first message. */
export default function NewChatPage() {
  return <NewChat models={models().offered.map((model) => model.id)} />;
}
