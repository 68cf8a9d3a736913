import { UsageView } from '@/components/usage/usage-view';

export const metadata = { title: 'Usage · Streamwright' };

export default function UsagePage() {
  return <UsageView />;
}
