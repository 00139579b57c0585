-- AlterTable
ALTER TABLE "Registry" ADD COLUMN     "bandwidthLimitMbps" INTEGER;
