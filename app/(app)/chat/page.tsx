import { NewChat } from '@/components/chat/new-chat';

export const metadata = { title: 'New chat · Streamwright' };

/** A new chat: stored with its first message. */
export default function NewChatPage() {
  return <NewChat />;
}
