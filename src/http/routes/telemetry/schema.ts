import { z } from 'zod';

export const IntakeOut = z.object({
  accepted: z.number().int().describe('records added to their event-time windows'),
  rejected: z.number().int().describe('lines that are not a valid version-1 record'),
  late: z.number().int().describe('valid records behind the watermark by more than the allowed lateness: counted and stored per minute, not added to closed windows'),
  errors: z.array(z.object({ line: z.number().int(), error: z.string() })).max(100).describe('the first 100 rejected lines, 1-based'),
});
export type IntakeOut = z.infer<typeof IntakeOut>;
