-- CreateEnum
CREATE TYPE "notification_status" AS ENUM ('pending', 'queued', 'delivered', 'failed');

-- CreateTable
CREATE TABLE "notifications" (
    "id" UUID NOT NULL,
    "type" VARCHAR(40) NOT NULL,
    "dedupe_key" TEXT NOT NULL,
    "booking_code" VARCHAR(64),
    "listing_id" INTEGER,
    "data" JSONB NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "status" "notification_status" NOT NULL DEFAULT 'pending',
    "delivered_channels" VARCHAR(16)[] DEFAULT ARRAY[]::VARCHAR(16)[],
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "delivered_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "notifications_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "notifications_dedupe_key_key" ON "notifications"("dedupe_key");

-- CreateIndex
CREATE INDEX "notifications_created_at_id_idx" ON "notifications"("created_at", "id");

-- CreateIndex
CREATE INDEX "notifications_status_created_at_id_idx" ON "notifications"("status", "created_at", "id");

-- CreateIndex
CREATE INDEX "notifications_type_created_at_id_idx" ON "notifications"("type", "created_at", "id");

-- CreateIndex
CREATE INDEX "notifications_booking_code_idx" ON "notifications"("booking_code");

