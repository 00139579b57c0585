-- AlterTable
ALTER TABLE "PromotionImage" ADD COLUMN     "notice" TEXT;
