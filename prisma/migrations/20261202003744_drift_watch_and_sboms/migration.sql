-- AlterTable
ALTER TABLE "ReleaseImage" ADD COLUMN     "sboms" JSONB;

-- AlterTable
ALTER TABLE "Promotion" ADD COLUMN     "drift" JSONB,
ADD COLUMN     "driftCheckedAt" TIMESTAMP(3);
