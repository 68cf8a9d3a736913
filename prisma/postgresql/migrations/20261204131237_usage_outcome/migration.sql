-- AlterTable
ALTER TABLE "TokenUsage" ADD COLUMN     "outcome" TEXT NOT NULL DEFAULT 'complete';
