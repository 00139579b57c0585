-- AlterTable
ALTER TABLE "ReleaseChannel" ADD COLUMN     "copySignatures" BOOLEAN NOT NULL DEFAULT true;

-- AlterTable
ALTER TABLE "PromotionImage" ADD COLUMN     "signatures" JSONB NOT NULL DEFAULT '[]';
