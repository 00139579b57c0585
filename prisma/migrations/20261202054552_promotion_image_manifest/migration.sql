-- AlterTable
ALTER TABLE "PromotionImage" ADD COLUMN     "manifest" BYTEA,
ADD COLUMN     "manifestMediaType" TEXT;
