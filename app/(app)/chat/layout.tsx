import type { ReactNode } from 'react';
import { ChatShell } from '@/components/chat/chat-shell';
import { SessionSidebar } from '@/components/chat/session-sidebar';

export default function ChatLayout({ children }: { children: ReactNode }) {
  return <ChatShell sidebar={<SessionSidebar />}>{children}</ChatShell>;
}
