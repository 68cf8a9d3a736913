import { ReportView, type StoredReport } from '@/components/report/report-view';
import { models } from '@/lib/ai/model';
import { pageSession } from '@/lib/auth/options';
import { forOwner } from '@/lib/db/owned';
import { presentReport } from '@/lib/http/present';

export const metadata = { title: 'Report · Streamwright' };

/** The report page; `?id=` reopens a stored report. */
export default async function ReportPage({ searchParams }: { searchParams: Promise<{ id?: string }> }) {
  const { id } = await searchParams;
  const userId = (await pageSession())?.user?.id;
  const stored = id && userId ? await forOwner(userId).reports.find(id) : undefined;
  // Only the models that can write a report (structured output) are offered here.
  const able = models().offered.filter((model) => model.structuredOutput);
  return (
    <ReportView
      key={id ?? 'new'}
      initial={stored ? (presentReport(stored) as StoredReport) : undefined}
      models={able.map((model) => model.id)}
    />
  );
}
