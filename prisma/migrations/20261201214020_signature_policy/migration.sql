-- AlterTable
ALTER TABLE "ReleaseChannel" ADD COLUMN     "signaturePolicy" JSONB;

-- AlterTable
ALTER TABLE "ReleaseImage" ADD COLUMN     "signature" JSONB;
