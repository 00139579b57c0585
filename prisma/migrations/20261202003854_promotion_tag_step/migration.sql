-- AlterTable
ALTER TABLE "Promotion" ADD COLUMN     "movingTag" TEXT,
ADD COLUMN     "tagsFailure" TEXT,
ADD COLUMN     "tagsMovedAt" TIMESTAMP(3);

-- Promotions that succeeded before the tag step existed tagged each image as it landed.
UPDATE "Promotion" SET "tagsMovedAt" = COALESCE("finishedAt", "updatedAt") WHERE "status" = 'succeeded';
