import { KeysView } from '@/components/keys/keys-view';

export const metadata = { title: 'API keys · Streamwright' };

export default function KeysPage() {
  return <KeysView />;
}
