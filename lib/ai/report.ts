import { z } from 'zod';

/** The guide's `ResearchReport`: what /api/stream/structured streams field by field. */
export const ResearchReport = z.object({
  title: z.string().min(1).describe('A short title for the report'),
  summary: z.string().min(1).describe('Two or three sentences that answer the question'),
  key_findings: z.array(z.string().min(1)).describe('The main findings, one sentence each'),
  confidence_score: z.number().min(0).max(1).describe('How sure the report is, from 0 to 1'),
});

export type ResearchReport = z.infer<typeof ResearchReport>;
