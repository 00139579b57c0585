-- CreateEnum
CREATE TYPE "BundleExportStatus" AS ENUM ('queued', 'running', 'succeeded', 'failed');

-- CreateTable
CREATE TABLE "BundleExport" (
    "id" TEXT NOT NULL,
    "releaseId" TEXT NOT NULL,
    "file" TEXT NOT NULL,
    "status" "BundleExportStatus" NOT NULL DEFAULT 'queued',
    "bytesDone" BIGINT NOT NULL DEFAULT 0,
    "bytesTotal" BIGINT NOT NULL DEFAULT 0,
    "error" TEXT,
    "requestedById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "BundleExport_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "BundleExport_releaseId_createdAt_idx" ON "BundleExport"("releaseId", "createdAt");

-- AddForeignKey
ALTER TABLE "BundleExport" ADD CONSTRAINT "BundleExport_releaseId_fkey" FOREIGN KEY ("releaseId") REFERENCES "Release"("id") ON DELETE CASCADE ON UPDATE CASCADE;
