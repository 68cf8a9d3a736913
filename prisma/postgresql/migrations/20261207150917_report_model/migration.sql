-- AlterTable
ALTER TABLE "Report" ADD COLUMN     "model" TEXT;
