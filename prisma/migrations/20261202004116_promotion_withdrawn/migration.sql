-- AlterEnum
ALTER TYPE "PromotionStatus" ADD VALUE 'withdrawn';
