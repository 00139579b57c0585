-- CreateEnum
CREATE TYPE "RegistryUse" AS ENUM ('sync', 'promotion');

-- AlterTable
ALTER TABLE "Registry" ADD COLUMN     "lastUseError" TEXT,
ADD COLUMN     "lastUseErrorAt" TIMESTAMP(3),
ADD COLUMN     "lastUseErrorBy" "RegistryUse",
ADD COLUMN     "lastUseOkAt" TIMESTAMP(3),
ADD COLUMN     "lastUseOkBy" "RegistryUse";
