import { Inspector } from '@/components/inspector/inspector';

export const metadata = { title: 'Inspector · Streamwright' };

export default function InspectorPage() {
  return <Inspector />;
}
