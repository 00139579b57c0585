-- CreateEnum
CREATE TYPE "ChannelSourceKind" AS ENUM ('registry', 'bundle');

-- AlterTable
ALTER TABLE "ReleaseChannel" ADD COLUMN     "sourceKind" "ChannelSourceKind" NOT NULL DEFAULT 'registry',
ALTER COLUMN "sourceRegistryId" DROP NOT NULL;

-- AlterTable
ALTER TABLE "Release" ADD COLUMN     "bundlePath" TEXT;

-- AlterTable
ALTER TABLE "ReleaseImage" ADD COLUMN     "referrers" JSONB;
